# Reference numbers for satmodels' PLSc, HTMT/HTMT2 and indirect effects
# (tests/test_acsi_plsc.py, test_acsi_htmt.py, test_acsi_mediation.py).
#
# cSEM and seminr are not on this machine's CRAN mirror (none is reachable),
# so their R sources are read from their public GitHub repositories
# (M-E-Rademaker/cSEM and sem-in-r/seminr, snapshot of 2026-11-30) and
# source()d; their dependencies come from Debian's r-cran-* packages.
#   CSEM_SRC=/path/to/cSEM/R SEMINR_SRC=/path/to/seminr/R \
#     Rscript tests/golden/csem_mobi.R /path/to/mobi.csv > tests/golden/csem_mobi.json
suppressMessages({
  library(magrittr); library(purrr); library(abind); library(MASS)
  library(Matrix); library(matrixStats); library(expm); library(psych)
  library(lavaan); library(future.apply); library(cli); library(crayon)
  library(jsonlite)
})
for (f in list.files(Sys.getenv("CSEM_SRC"), full.names = TRUE)) {
  tryCatch(source(f), error = function(e) NULL)  # plotting files need extras
}
source(file.path(Sys.getenv("SEMINR_SRC"), "evaluate_validity.R"))
convert_to_table_output <- function(x) x

args <- commandArgs(trailingOnly = TRUE)
mobi <- read.csv(args[1])

small <- "
IMAG =~ IMAG1 + IMAG2 + IMAG3 + IMAG4 + IMAG5
EXPE =~ CUEX1 + CUEX2 + CUEX3
VAL =~ PERV1 + PERV2
SAT =~ CUSA1 + CUSA2 + CUSA3
SAT ~ IMAG + EXPE + VAL
"
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
blocks <- list(
  IMAG = paste0("IMAG", 1:5), EXPE = paste0("CUEX", 1:3),
  QUAL = paste0("PERQ", 1:7), VAL = paste0("PERV", 1:2),
  SAT = paste0("CUSA", 1:3), COMP = "CUSCO", LOY = paste0("CUSL", 1:3)
)

plsc <- function(model) {
  # PLSc is cSEM's default for common factors (.disattenuate = TRUE)
  res <- csem(mobi, model, .tolerance = 1e-12, .iter_max = 1000)
  v <- verify(res)
  s <- summarize(res)
  eff <- s$Estimates$Effect_estimates
  list(
    latents = rownames(res$Estimates$Path_estimates),
    paths = res$Estimates$Path_estimates,
    loadings = as.list(colSums(res$Estimates$Loading_estimates)),
    weights = as.list(colSums(res$Estimates$Weight_estimates)),
    reliabilities = as.list(res$Estimates$Reliabilities),
    construct_vcv = res$Estimates$Construct_VCV,
    r2 = as.list(res$Estimates$R2),
    total_effect = setNames(as.list(eff$Total_effect$Estimate),
                            eff$Total_effect$Name),
    indirect_effect = setNames(as.list(eff$Indirect_effect$Estimate),
                               eff$Indirect_effect$Name),
    verify_problem = as.list(setNames(as.logical(v), names(v))),
    min_eigenvalue = min(eigen(res$Estimates$Construct_VCV)$values),
    implied_min_eigenvalue = min(eigen(
      fit(res, .saturated = FALSE, .type_vcv = "indicator"))$values)
  )
}

htmts <- function(data) {
  res <- csem(data, ecsi, .tolerance = 1e-12)
  get <- function(type, absolute) {
    m <- calculateHTMT(res, .type_htmt = type, .absolute = absolute,
                       .only_common_factors = FALSE)
    m
  }
  mm <- data.frame(
    construct = rep(names(blocks), lengths(blocks)),
    measurement = unlist(blocks), type = "A"
  )
  sem <- list(mmMatrix = as.matrix(mm), smMatrix = matrix(names(blocks), ncol = 1),
              data = data, hoc = NULL)
  sm <- HTMT(sem)
  list(
    latents = rownames(get("htmt", TRUE)),
    seminr_latents = rownames(sm),
    csem_htmt_abs = get("htmt", TRUE),
    csem_htmt_signed = get("htmt", FALSE),
    csem_htmt2_abs = get("htmt2", TRUE),
    csem_htmt2_signed = get("htmt2", FALSE),
    seminr_htmt = sm
  )
}

reversed <- mobi
reversed$CUEX3 <- 11 - reversed$CUEX3  # a reversed item: negative correlations

out <- list(
  source = paste(
    "cSEM (github M-E-Rademaker/cSEM) and seminr (github sem-in-r/seminr)",
    "R sources, run by tests/golden/csem_mobi.R on /work/shared/data/ecsi/mobi.csv"
  ),
  tolerance = list(estimates_rtol = 1e-6,
                   note = "cSEM iterated to .tolerance = 1e-12"),
  small = plsc(small),
  ecsi = plsc(ecsi),
  htmt = htmts(mobi),
  htmt_reversed = htmts(reversed)
)
cat(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE, na = "null"))
