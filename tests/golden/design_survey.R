# Reference design-based estimates for tests/test_design.py from R's survey
# package (Lumley; Debian r-cran-survey). Run from tests/golden:
#   python design_sample.py && Rscript design_survey.R
# Writes design_survey.csv (estimate, SE, deff per design/statistic/item)
# and design_replicates.csv (the replicate weight factors R built, so the Python
# side uses the same replicates).
suppressMessages(library(survey))
d <- read.csv("design_sample.csv")
rows <- list()
add <- function(design, statistic, item, est, se, deff, df) {
  rows[[length(rows) + 1]] <<- data.frame(
    design = design, statistic = statistic, item = item,
    estimate = sprintf("%.17g", est), se = sprintf("%.17g", se),
    deff = sprintf("%.17g", deff), df = df)
}
one <- function(name, des) {
  df <- degf(des)
  for (item in c("score", "top")) {
    f <- as.formula(paste0("~", item))
    m <- svymean(f, des, na.rm = TRUE, deff = "replace")
    add(name, "mean", item, coef(m), SE(m), deff(m), df)
    t <- svytotal(f, des, na.rm = TRUE, deff = "replace")
    add(name, "total", item, coef(t), SE(t), deff(t), df)
  }
  r <- svyratio(~perceived, ~expected, des)
  add(name, "ratio", "perceived/expected", coef(r), SE(r), NA, df)
  # NPS: the mean of +100 (promoters, 9-10), 0, -100 (detractors, 0-6)
  n <- svymean(~I(100 * (score >= 9) - 100 * (score <= 6)), des, na.rm = TRUE,
               deff = "replace")
  add(name, "mean", "nps", coef(n), SE(n), deff(n), df)
}
taylor <- svydesign(ids = ~psu, strata = ~stratum, fpc = ~fpc, weights = ~w,
                    data = d)
one("taylor_fpc", taylor)
one("taylor", svydesign(ids = ~psu, strata = ~stratum, weights = ~w, data = d))
one("unclustered", svydesign(ids = ~1, strata = ~stratum, weights = ~w, data = d))
plain <- svydesign(ids = ~psu, strata = ~stratum, weights = ~w, data = d)
set.seed(20261130)
reps <- list(
  JK1 = as.svrepdesign(svydesign(ids = ~psu, weights = ~w, data = d), type = "JK1"),
  JKn = as.svrepdesign(plain, type = "JKn"),
  JKn_fpc = as.svrepdesign(taylor, type = "JKn"),
  bootstrap = as.svrepdesign(plain, type = "bootstrap", replicates = 20)
)
# BRR and Fay need two PSUs per stratum: two pseudo-PSUs per stratum, the
# odd- and even-ranked PSUs (random groups; Wolter 2007, ch. 2)
d2 <- d
d2$half <- ave(d2$psu, d2$stratum, FUN = function(p) {
  u <- sort(unique(p)); 1 + (match(p, u) %% 2)
})
d2$pair_psu <- paste(d2$stratum, d2$half)
paired <- svydesign(ids = ~pair_psu, strata = ~stratum, weights = ~w, data = d2)
reps$BRR <- as.svrepdesign(paired, type = "BRR")
reps$Fay <- as.svrepdesign(paired, type = "Fay", fay.rho = 0.5)
out <- data.frame(row = seq_len(nrow(d)))
meta <- list()
for (name in names(reps)) {
  des <- reps[[name]]
  one(name, des)
  w <- as.matrix(des$repweights)  # factors: analysis weight = w * factor
  colnames(w) <- paste0(name, "_", seq_len(ncol(w)))
  out <- cbind(out, w)
  meta[[name]] <- data.frame(design = name, scale = sprintf("%.17g", des$scale),
                             rscales = paste(sprintf("%.17g", des$rscales), collapse = " "),
                             mse = des$mse)
}
write.csv(do.call(rbind, rows), "design_survey.csv", row.names = FALSE)
write.csv(do.call(rbind, meta), "design_replicates_meta.csv", row.names = FALSE)
lines <- c(paste(names(out), collapse = ","),
           apply(out, 1, function(r) paste(sprintf("%.15g", r), collapse = ",")))
writeLines(lines, "design_replicates.csv")
