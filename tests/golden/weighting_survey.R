# Reference weights for tests/test_weighting.py from R's survey package
# (Lumley; Debian r-cran-survey). Run from tests/golden:
#   python weighting_sample.py && Rscript weighting_survey.R
# Writes weighting_survey.csv: one column per reference, one row per
# respondent, 17 significant digits.
suppressMessages(library(survey))
d <- read.csv("weighting_sample.csv")
pop_region <- data.frame(region = c("E", "N", "S", "W"),
                         Freq = c(2500, 3500, 2400, 1600))
pop_age <- data.frame(age = c(1, 2, 3), Freq = c(3000, 4000, 3000))
pop_sex <- data.frame(sex = c(1, 2), Freq = c(4900, 5100))
ctl <- list(maxit = 1000, epsilon = 1e-9, verbose = FALSE)

weighted <- svydesign(ids = ~1, weights = ~w, data = d)
plain <- svydesign(ids = ~1, weights = ~rep(1, nrow(d)), data = d)

raked <- rake(weighted, list(~region, ~age, ~sex),
              list(pop_region, pop_age, pop_sex), control = ctl)
raked_plain <- rake(plain, list(~region, ~age, ~sex),
                    list(pop_region, pop_age, pop_sex), control = ctl)
m <- mean(weights(raked))
trimmed <- trimWeights(raked, lower = 0.4 * m, upper = 2.5 * m)

pop_ps <- expand.grid(region = c("E", "N", "S", "W"), sex = c(1, 2))
pop_ps$Freq <- c(1200, 1700, 1100, 800, 1300, 1800, 1300, 800)
post <- postStratify(weighted, ~region + sex, pop_ps)

out <- data.frame(
  rake = weights(raked),
  rake_unweighted = weights(raked_plain),
  rake_trimmed = weights(trimmed),
  poststratify = weights(post)
)
lines <- c(paste(names(out), collapse = ","),
           apply(out, 1, function(r) paste(sprintf("%.17g", r), collapse = ",")))
writeLines(lines, "weighting_survey.csv")
