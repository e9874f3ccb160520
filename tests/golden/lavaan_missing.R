# Golden numbers for tests/test_em.py and tests/test_fiml.py, computed with
# lavaan (R): the saturated normal model by EM and SEMs by FIML
# (missing = "ml") on data with MAR missing cells.
#
#   python tests/golden/missing_data.py /tmp/mlmissing
#   Rscript tests/golden/lavaan_missing.R /tmp/mlmissing
#
# The first command imposes a seeded MAR pattern (tests/golden/missing_data.py)
# on the ECSI mobi data (/work/shared/data/ecsi/mobi.csv, no missing values of
# its own) and on the ACSI items of satmodels' sample survey; this script
# writes tests/golden/lavaan_missing.json.
#
# - "em": lavCor(data, missing = "ml", output = "cov") and its means (lavaan's
#   EM stops when no mean or covariance moves by 1e-5: "default"), and the
#   same EM run to convergence (tol 1e-13: "tight"; lavaan's internal
#   lav_mvnorm_missing_h1_estimate_moments, also with sampling weights).
#   Covariances have divisor N (maximum likelihood).
# - "fiml": sem(model, data, missing = "ml") -- FIML with saturated
#   intercepts, observed information (lavaan's default under missing = "ml":
#   information = "observed", observed.information = "hessian"), chi2 against
#   the H1 model estimated by EM.
suppressPackageStartupMessages(library(lavaan))
suppressPackageStartupMessages(library(jsonlite))

args <- commandArgs(trailingOnly = TRUE)
in_dir <- if (length(args) >= 1) args[1] else "/tmp/mlmissing"
out_dir <- if (length(args) >= 2) args[2] else "tests/golden"

versions <- list(R = R.version.string, lavaan = as.character(packageVersion("lavaan")))
measures <- c("npar", "chisq", "df", "pvalue", "logl", "unrestricted.logl",
              "baseline.chisq", "baseline.df", "cfi", "tli", "rmsea",
              "rmsea.ci.lower", "rmsea.ci.upper", "srmr", "aic", "bic", "ntotal")

em_tight <- function(y, wt = NULL) {
  out <- lavaan:::lav_mvnorm_missing_h1_estimate_moments(
    Y = as.matrix(y), wt = wt, max.iter = 100000L, tol = 1e-13)
  list(mean = unname(as.numeric(out$Mu)), covariance = unname(out$Sigma))
}

em_block <- function(y, wt = NULL) {
  co <- lavCor(y, missing = "ml", output = "cov")
  fit <- lavCor(y, missing = "ml", output = "fit")
  res <- list(
    columns = colnames(y),
    n = nrow(y),
    default = list(covariance = unname(co),
                   mean = unname(as.numeric(lavInspect(fit, "sampstat")$mean))),
    tight = em_tight(y)
  )
  if (!is.null(wt)) res$weighted_tight <- em_tight(y, wt)
  res
}

fiml <- function(model, data) {
  # lavaan's default nlminb stop (rel.tol 1e-10) leaves a gradient of about
  # 1e-3; a tighter rel.tol makes nlminb report false convergence here
  fit <- sem(model, data = data, missing = "ml", em.h1.iter.max = 100000L,
             em.h1.tol = 1e-13)
  pe <- parameterEstimates(fit)
  pe <- pe[pe$op %in% c("=~", "~", "~~", "~1"), ]
  list(
    call = "sem(model, data, missing = 'ml')",
    options = lavInspect(fit, "options")[c("information", "observed.information",
                                           "h1.information", "se")],
    model = model,
    n = lavInspect(fit, "ntotal"),
    fit = as.list(fitMeasures(fit, measures)),
    r_squared = as.list(lavInspect(fit, "r2")),
    estimates = lapply(seq_len(nrow(pe)), function(i) list(
      lhs = pe$lhs[i], op = pe$op[i], rhs = pe$rhs[i],
      est = pe$est[i], se = pe$se[i]))
  )
}

survey <- read.csv(file.path(in_dir, "survey_mar.csv"))
weights <- read.csv(file.path(in_dir, "survey_weights.csv"))$weight
acsi_model <- "
EXPE =~ expe1 + expe2 + expe3
QUAL =~ qual1 + qual2 + qual3 + qual4
VAL =~ val1 + val2
SAT =~ sat1 + sat2 + sat3
COMP =~ comp1
LOY =~ loy1 + loy2 + loy3
comp1 ~~ 0*comp1
QUAL ~ EXPE
VAL ~ EXPE + QUAL
SAT ~ EXPE + QUAL + VAL
COMP ~ SAT
LOY ~ SAT + COMP
"
out <- list(
  source = "tests/golden/missing_data.py (seed 20261130) on satmodels' sample survey and the ECSI mobi data (Tenenhaus et al. 2005)",
  versions = versions,
  tolerance = list(tight = 1e-8, default = 1e-4, estimate = 1e-6, se = 1e-5),
  em = list(survey = em_block(survey, weights)),
  fiml = list(survey_acsi = fiml(acsi_model, survey))
)
mobi_path <- file.path(in_dir, "mobi_mar.csv")
if (file.exists(mobi_path)) {
  mobi <- read.csv(mobi_path)
  out$em$mobi <- em_block(mobi)
  out$fiml$mobi_small <- fiml("
Image =~ IMAG1 + IMAG2 + IMAG3 + IMAG4 + IMAG5
Satisfaction =~ CUSA1 + CUSA2 + CUSA3
Loyalty =~ CUSL1 + CUSL2 + CUSL3
Satisfaction ~ Image
Loyalty ~ Image + Satisfaction
", mobi)
}
write(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE, na = "null"),
      file.path(out_dir, "lavaan_missing.json"))
