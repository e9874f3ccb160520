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

# 4. Real data (not shipped in the repository): the ECSI mobile-phone survey
#    (mobi, n = 250) at /work/shared/data/ecsi/mobi.csv. LMG of CUSA1 on the
#    perceived quality and value items by the subset formula
#    sum_S |S|!(p-|S|-1)!/p! (R2(S+j) - R2(S)) with lm() per subset, and
#    psych::alpha of PERQ1-PERQ7.
mobi_path <- "/work/shared/data/ecsi/mobi.csv"
mobi_out <- NULL
if (file.exists(mobi_path)) {
  mobi <- read.csv(mobi_path)
  drv <- c(paste0("PERQ", 1:7), "PERV1", "PERV2")
  p <- length(drv)
  r2m <- function(vars) {
    if (length(vars) == 0) return(0)
    summary(lm(reformulate(vars, "CUSA1"), data = mobi))$r.squared
  }
  cache <- list()
  key <- function(v) paste0("k:", paste(sort(v), collapse = "+"))
  getr2 <- function(v) {
    k <- key(v)
    if (is.null(cache[[k]])) cache[[k]] <<- r2m(v)
    cache[[k]]
  }
  shap <- setNames(rep(0, p), drv)
  for (j in seq_len(p)) {
    others <- drv[-j]
    for (m in 0:(p - 1)) {
      subsets <- if (m == 0) list(character(0)) else combn(others, m, simplify = FALSE)
      wt <- factorial(m) * factorial(p - m - 1) / factorial(p)
      for (S in subsets) shap[j] <- shap[j] + wt * (getr2(c(S, drv[j])) - getr2(S))
    }
  }
  am <- psych::alpha(mobi[, paste0("PERQ", 1:7)])
  mobi_out <- list(
    path = mobi_path,
    outcome = "CUSA1",
    drivers = drv,
    lmg = as.list(shap),
    r_squared = r2m(drv),
    alpha_items = paste0("PERQ", 1:7),
    alpha = am$total$raw_alpha,
    feldt_lower = am$feldt$lower.ci$raw_alpha,
    feldt_upper = am$feldt$upper.ci$raw_alpha
  )
}

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
  ),
  mobi = mobi_out
)
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE), "tests/golden/csi_r_reference.json")
