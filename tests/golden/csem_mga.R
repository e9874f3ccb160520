# Reference numbers for satmodels' multigroup PLS (tests/test_acsi_multigroup.py):
# cSEM's testMICOM (Henseler, Ringle & Sarstedt 2016) and testMGD
# (.approach_mgd = "Chin" and "Henseler") on the ECSI mobile-phone data,
# split into two segments by a deterministic rule: rows 1-125 are "g1",
# rows 126-250 "g2" (the file's order).
#
# cSEM is not installable here; its R sources (github M-E-Rademaker/cSEM,
# snapshot of 2026-11-30) are source()d as in tests/golden/csem_mobi.R:
#   CSEM_SRC=/path/to/cSEM/R Rscript tests/golden/csem_mga.R /path/to/mobi.csv \
#     > tests/golden/csem_mga.json
# Plain PLS (mode A, path scheme, .disattenuate = FALSE), .tolerance 1e-12.
suppressMessages({
  library(magrittr); library(purrr); library(abind); library(MASS)
  library(Matrix); library(matrixStats); library(expm); library(psych)
  library(lavaan); library(future.apply); library(cli); library(crayon)
  library(jsonlite)
})
for (f in list.files(Sys.getenv("CSEM_SRC"), full.names = TRUE)) {
  tryCatch(source(f), error = function(e) NULL)  # plotting files need extras
}

args <- commandArgs(trailingOnly = TRUE)
mobi <- read.csv(args[1])
R_PERM <- as.integer(Sys.getenv("R_PERM", "999"))
R_BOOT <- as.integer(Sys.getenv("R_BOOT", "499"))

ecsi <- "
IMAG =~ IMAG1 + IMAG2 + IMAG3 + IMAG4 + IMAG5
EXPE =~ CUEX1 + CUEX2 + CUEX3
QUAL =~ PERQ1 + PERQ2 + PERQ3 + PERQ4 + PERQ5 + PERQ6 + PERQ7
VAL =~ PERV1 + PERV2
SAT =~ CUSA1 + CUSA2 + CUSA3
COMP =~ CUSCO
LOY =~ CUSL1 + CUSL2 + CUSL3
EXPE ~ IMAG
QUAL ~ EXPE
VAL ~ EXPE + QUAL
SAT ~ IMAG + EXPE + QUAL + VAL
COMP ~ SAT
LOY ~ IMAG + SAT + COMP
"
data <- mobi
data$group <- rep(c("g1", "g2"), each = nrow(mobi) / 2)
res <- csem(data, ecsi, .id = "group", .disattenuate = FALSE,
            .tolerance = 1e-12, .iter_max = 1000)

est <- function(r) list(
  weights = as.list(colSums(r$Estimates$Weight_estimates)),
  loadings = as.list(colSums(r$Estimates$Loading_estimates)),
  paths = r$Estimates$Path_estimates,
  latents = rownames(r$Estimates$Path_estimates)
)

# MICOM step 2 on the pooled standardized data (satmodels' definition) and on
# the pooled raw data (cSEM's: X %*% t(W) with X unstandardized)
X <- as.matrix(mobi)
Z <- scale(X)
W1 <- res$g1$Estimates$Weight_estimates[, colnames(X)]
W2 <- res$g2$Estimates$Weight_estimates[, colnames(X)]
c_std <- diag(cor(Z %*% t(W1), Z %*% t(W2)))

set.seed(1)  # cSEM saves and restores .Random.seed, which must exist
t0 <- Sys.time()
micom <- testMICOM(res, .R = R_PERM, .seed = 20261130, .verbose = FALSE)
t_micom <- as.numeric(difftime(Sys.time(), t0, units = "secs"))
t0 <- Sys.time()
mgd <- testMGD(res, .approach_mgd = c("Chin", "Henseler"),
               .R_permutation = R_PERM, .R_bootstrap = R_BOOT,
               .seed = 20261130, .verbose = FALSE)
t_mgd <- as.numeric(difftime(Sys.time(), t0, units = "secs"))

# Henseler's probability (calculatePr) and Holm (p.adjust) on fixed numbers
set.seed(7)
a <- matrix(round(rnorm(60, 0.3, 0.1), 3), ncol = 3)
b <- matrix(round(rnorm(45, 0.35, 0.1), 3), ncol = 3)
colnames(a) <- colnames(b) <- c("x", "y", "z")
ca <- sweep(a, 2, colMeans(a) - c(0.30, 0.31, 0.29))  # centred at "estimates"
cb <- sweep(b, 2, colMeans(b) - c(0.36, 0.33, 0.28))
pr <- calculatePr(list(ca, cb), c("x", "y", "z"))
pv <- c(0.01, 0.04, 0.03, 0.2, NA, 0.005)

chin <- mgd$Chin
hens <- mgd$Henseler
out <- list(
  source = paste(
    "cSEM (github M-E-Rademaker/cSEM) R sources, testMICOM and testMGD,",
    "run by tests/golden/csem_mga.R on /work/shared/data/ecsi/mobi.csv;",
    "segments: rows 1-125 g1, rows 126-250 g2"
  ),
  tolerance = list(deterministic_rtol = 1e-8,
                   note = "cSEM iterated to .tolerance = 1e-12"),
  n_permutations = R_PERM,
  n_resamples = R_BOOT,
  seconds = list(micom = t_micom, mgd = t_mgd),
  g1 = est(res$g1),
  g2 = est(res$g2),
  micom = list(
    c_raw = as.list(micom$Step2$Test_statistic$g1_g2),
    c_std = as.list(c_std),
    c_pvalue = as.list(micom$Step2$P_value$none[[1]]),
    mean_difference = as.list(micom$Step3$Mean$Test_statistic$g1_g2),
    mean_pvalue = as.list(micom$Step3$Mean$P_value$none$g1_g2),
    log_variance_ratio = as.list(micom$Step3$Var$Test_statistic$g1_g2),
    variance_pvalue = as.list(micom$Step3$Var$P_value$none$g1_g2)
  ),
  chin = list(
    difference = lapply(chin$Test_statistic$g1_g2, as.list),
    pvalue = lapply(chin$P_value$none$g1_g2, as.list)
  ),
  henseler = lapply(hens$P_value$none$g1_g2, as.list),
  pr_fixed = list(a = a, b = b, estimate_a = c(0.30, 0.31, 0.29),
                  estimate_b = c(0.36, 0.33, 0.28), probability = as.list(pr)),
  holm_fixed = list(p = pv, adjusted = p.adjust(pv, method = "holm"))
)
cat(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE, na = "null"))
