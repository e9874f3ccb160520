# Reference values for tests/test_csi_drivers.py and tests/test_csi_alpha.py.
# Run from the repository root:  Rscript tests/golden/csi_r_reference.R
# (R 4.x with the Debian packages r-base-core, r-cran-psych, r-cran-jsonlite)
#
# 1. LMG / Shapley importance of the five regressors of Fertility in R's
#    built-in `swiss` data (the data set of the relaimpo examples,
#    Groemping 2006), computed independently of satmodels: an explicit
#    average over all 5! = 120 orderings of the sequential R-squared gains,
#    each R-squared from lm() on the raw rows.
# 2. Johnson's (2000) relative weights for the same model, coded in R from
#    the paper's eigen-decomposition (as in Tonidandel & LeBreton's RWA code).
# 3. Cronbach's alpha with Feldt's interval from psych::alpha on R's built-in
#    `attitude` data (all seven items).
library(jsonlite)
library(psych)

y <- "Fertility"
xs <- setdiff(names(swiss), y)
r2 <- function(vars) {
  if (length(vars) == 0) return(0)
  summary(lm(reformulate(vars, y), data = swiss))$r.squared
}
perms <- function(v) {
  if (length(v) <= 1) return(list(v))
  out <- list()
  for (i in seq_along(v)) for (p in perms(v[-i])) out[[length(out) + 1]] <- c(v[i], p)
  out
}
lmg <- setNames(rep(0, length(xs)), xs)
all_perms <- perms(xs)
for (p in all_perms) {
  prev <- 0
  for (k in seq_along(p)) {
    cur <- r2(p[1:k])
    lmg[p[k]] <- lmg[p[k]] + (cur - prev)
    prev <- cur
  }
}
lmg <- lmg / length(all_perms)

R <- cor(swiss[, xs])
rxy <- cor(swiss[, xs], swiss[, y])
e <- eigen(R)
lam <- e$vectors %*% diag(sqrt(e$values)) %*% t(e$vectors)
beta <- solve(lam, rxy)
rw <- as.vector((lam^2) %*% (beta^2))
names(rw) <- xs

a <- psych::alpha(attitude)

out <- list(
  source = "R datasets::swiss / datasets::attitude; see tests/golden/csi_r_reference.R",
  swiss = list(
    columns = names(swiss),
    data = unname(as.matrix(swiss)),
    outcome = y,
    r_squared = r2(xs),
    lmg = as.list(lmg),
    relative_weights = as.list(rw),
    tolerance = 1e-10
  ),
  attitude = list(
    columns = names(attitude),
    data = unname(as.matrix(attitude)),
    alpha = a$total$raw_alpha,
    feldt_lower = a$feldt$lower.ci$raw_alpha,
    feldt_upper = a$feldt$upper.ci$raw_alpha,
    tolerance = 1e-8
  )
)
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE), "tests/golden/csi_r_reference.json")
