# Reference weights for tests/test_weighting_calibrate.py from R's survey
# package (Lumley; Debian r-cran-survey): calibrate() with the linear (GREG),
# raking and logit calibration functions (Deville & Sarndal 1992), with and
# without bounds. Run from tests/golden:
#   python weighting_sample.py && Rscript calibrate_survey.R
# Writes calibrate_survey.csv: one column per reference, one row per
# respondent, 17 significant digits.
suppressMessages(library(survey))
d <- read.csv("weighting_sample.csv")
d$sexf <- factor(d$sex)
# the design weights scaled to the population size (10,000), so that the
# calibration factors g lie around 1 and bounds on them make sense
d$w <- d$w * 10000 / sum(d$w)
weighted <- svydesign(ids = ~1, weights = ~w, data = d)
# region and sex margins (intercept = N), and the total of the numeric age code
pop <- c(`(Intercept)` = 10000, regionN = 3500, regionS = 2400, regionW = 1600,
         sexf2 = 5100, age = 20000)
f <- ~region + sexf + age
eps <- 1e-10
lin <- calibrate(weighted, f, pop, calfun = "linear", epsilon = eps)
lin_b <- calibrate(weighted, f, pop, calfun = "linear", bounds = c(0.5, 1.8),
                   epsilon = eps, maxit = 200)
rak <- calibrate(weighted, f, pop, calfun = "raking", epsilon = eps)
lgt <- calibrate(weighted, f, pop, calfun = "logit", bounds = c(0.4, 2.2),
                 epsilon = eps, maxit = 200)
# categorical margins only: raking calibration equals rake()
pop_cat <- pop[1:5]
rak_cat <- calibrate(weighted, ~region + sexf, pop_cat, calfun = "raking",
                     epsilon = eps)
out <- data.frame(
  w = d$w,
  linear = weights(lin),
  linear_bounded = weights(lin_b),
  raking = weights(rak),
  logit = weights(lgt),
  raking_margins = weights(rak_cat)
)
lines <- c(paste(names(out), collapse = ","),
           apply(out, 1, function(r) paste(sprintf("%.17g", r), collapse = ",")))
writeLines(lines, "calibrate_survey.csv")
