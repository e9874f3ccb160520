# Reference numbers for satmodels' acsi.model_fit (tests/test_acsi_model_fit.py):
# cSEM's fit() (model-implied indicator correlations), calculateSRMR,
# calculateDL, calculateDG (estimated and saturated model),
# calculateModelSelectionCriteria (by equation; Sharma et al. 2019) and
# testOMF (Bollen-Stine bootstrap, fixed seed) for the ECSI model on the
# mobi data, as a composite model (PLS, mode A) and by PLSc.
#
# cSEM is not on this machine's CRAN mirror, so its R sources are read from
# its public GitHub repository (M-E-Rademaker/cSEM) and source()d, as in
# tests/golden/csem_mobi.R:
#   CSEM_SRC=/path/to/cSEM/R \
#     Rscript tests/golden/csem_fit.R /path/to/mobi.csv > tests/golden/csem_fit.json
suppressMessages({
  library(magrittr); library(purrr); library(abind); library(MASS)
  library(Matrix); library(matrixStats); library(expm); library(psych)
  library(lavaan); library(future.apply); library(cli); library(crayon)
  library(jsonlite)
})
for (f in list.files(Sys.getenv("CSEM_SRC"), full.names = TRUE)) {
  tryCatch(source(f), error = function(e) NULL)  # plotting files need extras
}

set.seed(1)  # testOMF restores .Random.seed on exit, so it must exist
args <- commandArgs(trailingOnly = TRUE)
mobi <- read.csv(args[1])
n_boot <- if (length(args) > 1) as.integer(args[2]) else 499L

structural <- "
EXPE ~ IMAG
QUAL ~ EXPE
VAL ~ EXPE + QUAL
SAT ~ IMAG + EXPE + QUAL + VAL
COMP ~ SAT
LOY ~ IMAG + SAT + COMP
"
measurement <- function(op) paste0(
  "IMAG ", op, " IMAG1 + IMAG2 + IMAG3 + IMAG4 + IMAG5\n",
  "EXPE ", op, " CUEX1 + CUEX2 + CUEX3\n",
  "QUAL ", op, " PERQ1 + PERQ2 + PERQ3 + PERQ4 + PERQ5 + PERQ6 + PERQ7\n",
  "VAL ", op, " PERV1 + PERV2\n",
  "SAT ", op, " CUSA1 + CUSA2 + CUSA3\n",
  "COMP ", op, " CUSCO\n",
  "LOY ", op, " CUSL1 + CUSL2 + CUSL3\n"
)

one <- function(res, seed, test = TRUE) {
  refdist <- function(t) {
    m <- do.call(cbind, Filter(Negate(anyNA), t$Information$Bootstrap_values))
    list(dG = unname(m["dG", ]), SRMR = unname(m["SRMR", ]), dL = unname(m["dL", ]))
  }
  msc <- calculateModelSelectionCriteria(res, .by_equation = TRUE)
  out <- list(
    indicators = colnames(res$Estimates$Indicator_VCV),
    latents = rownames(res$Estimates$Path_estimates),
    loadings = as.list(colSums(res$Estimates$Loading_estimates)),
    r2 = as.list(res$Estimates$R2),
    implied = unname(fit(res, .saturated = FALSE, .type_vcv = "indicator")),
    implied_saturated = unname(fit(res, .saturated = TRUE, .type_vcv = "indicator")),
    srmr = calculateSRMR(res), srmr_saturated = calculateSRMR(res, .saturated = TRUE),
    dl = calculateDL(res), dl_saturated = calculateDL(res, .saturated = TRUE),
    dg = calculateDG(res), dg_saturated = calculateDG(res, .saturated = TRUE),
    criteria = lapply(msc, as.list)
  )
  if (!test) return(out)
  t_est <- testOMF(res, .R = n_boot, .seed = seed, .alpha = c(0.05, 0.01))
  t_sat <- testOMF(res, .R = n_boot, .seed = seed, .alpha = c(0.05, 0.01),
                   .saturated = TRUE)
  c(out, list(
    test = list(
      seed = seed, R = n_boot,
      statistic = as.list(t_est$Test_statistic),
      critical_95 = as.list(t_est$Critical_value[, "95%"]),
      critical_99 = as.list(t_est$Critical_value[, "99%"]),
      admissible = t_est$Information$Number_admissibles,
      reference = refdist(t_est)
    ),
    test_saturated = list(
      seed = seed, R = n_boot,
      statistic = as.list(t_sat$Test_statistic),
      critical_95 = as.list(t_sat$Critical_value[, "95%"]),
      critical_99 = as.list(t_sat$Critical_value[, "99%"]),
      admissible = t_sat$Information$Number_admissibles
      # no reference distribution: cSEM's testOMF(.saturated = TRUE) computes
      # the estimated model's distances (calculateSRMR(Est_temp) etc. without
      # .saturated), so its statistic is the estimated one (see the json)
    )
  ))
}

composite <- csem(mobi, paste(measurement("<~"), structural), .PLS_modes = "modeA",
                  .tolerance = 1e-12, .iter_max = 1000)
plsc <- csem(mobi, paste(measurement("=~"), structural),
             .tolerance = 1e-12, .iter_max = 1000)
# the ECSI PLSc solution is inadmissible (a rho_A above 1; cSEM verify()
# code 3), which testOMF refuses: the test of PLSc runs on a smaller model
small <- "
IMAG =~ IMAG1 + IMAG2 + IMAG3 + IMAG4 + IMAG5
EXPE =~ CUEX1 + CUEX2 + CUEX3
VAL =~ PERV1 + PERV2
SAT =~ CUSA1 + CUSA2 + CUSA3
SAT ~ IMAG + EXPE + VAL
"
plsc_small <- csem(mobi, small, .tolerance = 1e-12, .iter_max = 1000)

out <- list(
  source = paste(
    "cSEM (github M-E-Rademaker/cSEM, DESCRIPTION version 0.4.0.9000) R sources,",
    "run by tests/golden/csem_fit.R on /work/shared/data/ecsi/mobi.csv"
  ),
  tolerance = list(
    deterministic_rtol = 1e-8,
    note = paste(
      "cSEM iterated to .tolerance = 1e-12; cSEM's dG uses log base 10",
      "(satmodels: natural log, larger by log(10)^2); testOMF quantiles are",
      "Monte-Carlo numbers (R's RNG), compared within their sampling error"
    )
  ),
  composite = one(composite, 20261130L),
  plsc = one(plsc, 20261130L, test = FALSE),
  plsc_small = one(plsc_small, 20261130L)
)
cat(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE, na = "null"))
