# Reference numbers for satmodels' PLSpredict, CVPAT and f² (tests/test_acsi_predict.py).
#
# seminr and cSEM are not on this machine's CRAN mirror, so their R sources
# (sem-in-r/seminr and M-E-Rademaker/cSEM, snapshot of 2026-11-30) are
# source()d; seminr's own calls `seminr::f()` are read as `f()`.
#   SEMINR_SRC=/tmp/plsc/seminr/R CSEM_SRC=/tmp/plsc/cSEM/R \
#     Rscript tests/golden/seminr_predict.R ../shared/data/ecsi/mobi.csv \
#     tests/golden/seminr_predict_folds.csv > tests/golden/seminr_predict.json
#
# The folds are committed (tests/golden/seminr_predict_folds.csv, two
# repetitions of 10 folds drawn once with numpy, seed 20261130), so that R
# and Python use the same training sets: seminr's predict_pls() draws its own
# shuffle and, with `reps`, reuses that one shuffle for every repetition.
# Per fold: seminr's estimate_pls() on the training rows (path weighting,
# mode A composites, stopCriterion = 14) and seminr's predict() of the
# held-out rows with predict_EA / predict_DA (the body of seminr's
# in_and_out_sample_predictions()). Benchmarks with base R lm():
# EA -> each endogenous indicator on all indicators of exogenous constructs
# (Shmueli et al. 2019; cSEM's predict), DA -> on the indicators of the
# construct's direct antecedents (Liengaard et al. 2021 / Sharma et al. 2023
# CVPAT code, linear_bench_fun). Predictions are averaged over the
# repetitions per respondent before the metrics (seminr and cSEM).
suppressMessages({
  library(magrittr); library(purrr); library(abind); library(MASS)
  library(Matrix); library(matrixStats); library(expm); library(psych)
  library(lavaan); library(future.apply); library(cli); library(crayon)
  library(jsonlite)
})
for (f in list.files(Sys.getenv("SEMINR_SRC"), full.names = TRUE)) {
  src <- gsub("seminr::", "", readLines(f), fixed = TRUE)
  tryCatch(eval(parse(text = src), envir = globalenv()), error = function(e) NULL)
}

args <- commandArgs(trailingOnly = TRUE)
mobi <- read.csv(args[1])
folds <- as.matrix(read.csv(args[2]))

mm <- constructs(
  composite("IMAG", multi_items("IMAG", 1:5)),
  composite("EXPE", multi_items("CUEX", 1:3)),
  composite("QUAL", multi_items("PERQ", 1:7)),
  composite("VAL", multi_items("PERV", 1:2)),
  composite("SAT", multi_items("CUSA", 1:3)),
  composite("COMP", single_item("CUSCO")),
  composite("LOY", multi_items("CUSL", 1:3))
)
sm <- relationships(
  paths(from = "IMAG", to = c("EXPE", "SAT", "LOY")),
  paths(from = "EXPE", to = c("QUAL", "VAL", "SAT")),
  paths(from = "QUAL", to = c("VAL", "SAT")),
  paths(from = "VAL", to = "SAT"),
  paths(from = "SAT", to = c("COMP", "LOY")),
  paths(from = "COMP", to = "LOY")
)
blocks <- list(
  IMAG = paste0("IMAG", 1:5), EXPE = paste0("CUEX", 1:3),
  QUAL = paste0("PERQ", 1:7), VAL = paste0("PERV", 1:2),
  SAT = paste0("CUSA", 1:3), COMP = "CUSCO", LOY = paste0("CUSL", 1:3)
)
preds <- list(
  EXPE = "IMAG", QUAL = "EXPE", VAL = c("EXPE", "QUAL"),
  SAT = c("IMAG", "EXPE", "QUAL", "VAL"), COMP = "SAT", LOY = c("IMAG", "SAT", "COMP")
)
endo <- unlist(blocks[names(preds)], use.names = FALSE)
exo_items <- blocks$IMAG
items <- unlist(blocks, use.names = FALSE)
fit <- function(d) suppressMessages(estimate_pls(
  d, mm, sm, inner_weights = path_weighting, maxIt = 1000, stopCriterion = 14
))

one_rep <- function(lab, technique, lm_kind) {
  pls <- lm_p <- ia <- sd_tr <- matrix(NA, nrow(mobi), length(endo), dimnames = list(NULL, endo))
  for (k in sort(unique(lab))) {
    test <- lab == k
    train <- mobi[!test, ]
    m <- fit(train)
    p <- predict(m, testData = mobi[test, ], technique = technique)
    pls[test, ] <- as.matrix(p$predicted_items[, endo])
    for (y in endo) {
      lv <- names(blocks)[sapply(blocks, function(b) y %in% b)]
      xs <- if (lm_kind == "exogenous") exo_items else unlist(blocks[preds[[lv]]])
      f <- lm(as.formula(paste(y, "~", paste(xs, collapse = "+"))), data = train)
      lm_p[test, y] <- predict(f, newdata = mobi[test, ])
      ia[test, y] <- mean(train[[y]])
      sd_tr[test, y] <- sd(train[[y]])
    }
  }
  list(pls = pls, lm = lm_p, ia = ia, sd = sd_tr)
}

metrics <- function(pred) {
  y <- as.matrix(mobi[, endo])
  e <- y - pred
  list(rmse = as.list(sqrt(colMeans(e^2))), mae = as.list(colMeans(abs(e))))
}

out <- list(
  source = paste(
    "seminr (sem-in-r/seminr R sources, snapshot 2026-11-30): estimate_pls +",
    "predict.seminr_model per committed fold; benchmarks by base R lm();",
    "CVPAT paired t.test as Liengaard et al. (2021) / ECONshare CVPAT_extensions;",
    "f2: seminr model_fsquares() (re-estimation) and cSEM calculatef2() (same scores)"
  ),
  endogenous = endo,
  folds = list(rep1 = folds[, 1], rep2 = folds[, 2])
)
y <- as.matrix(mobi[, endo])
for (tech in c("EA", "DA")) {
  technique <- if (tech == "EA") predict_EA else predict_DA
  lm_kind <- if (tech == "EA") "exogenous" else "antecedents"
  reps <- lapply(1:2, function(r) one_rep(folds[, r], technique, lm_kind))
  avg <- function(part) (reps[[1]][[part]] + reps[[2]][[part]]) / 2
  pls <- avg("pls"); lmp <- avg("lm"); ia <- avg("ia")
  sse <- function(p) colSums((y - p)^2)
  out[[tolower(tech)]] <- list(
    pls = metrics(pls), lm = metrics(lmp), ia = metrics(ia),
    q2_pls = as.list(1 - sse(pls) / sse(ia)), q2_lm = as.list(1 - sse(lmp) / sse(ia)),
    pls_rep1_first_rows = reps[[1]]$pls[1:5, ],
    pls_predictions_mean = colMeans(pls)
  )
  # CVPAT on the first repetition: losses on the training-standardized scale
  r1 <- reps[[1]]
  loss <- function(p) rowMeans(((y - p) / r1$sd)^2)
  l_pls <- loss(r1$pls)
  tests <- list()
  for (b in c("ia", "lm")) {
    l_b <- loss(r1[[b]])
    t1 <- t.test(l_b, l_pls, paired = TRUE, alternative = "greater")
    t2 <- t.test(l_b, l_pls, paired = TRUE, alternative = "two.sided")
    tests[[b]] <- list(
      loss_pls = mean(l_pls), loss_benchmark = mean(l_b),
      difference = mean(l_b - l_pls), t = unname(t1$statistic),
      p_greater = t1$p.value, p_two_sided = t2$p.value,
      ci_greater_low = t1$conf.int[1], ci_two_sided = t2$conf.int[1:2]
    )
  }
  out[[paste0("cvpat_", tolower(tech))]] <- tests
}

full <- fit(mobi)
f2 <- model_fsquares(full)
f2_rows <- list()
for (t in names(preds)) for (s in preds[[t]]) {
  f2_rows[[length(f2_rows) + 1]] <- list(source = s, target = t, f2 = f2[s, t])
}
out$f2_seminr <- f2_rows
out$r2_seminr <- as.list(full$rSquared["Rsq", ])

# cSEM: f2 from the same construct scores (calculatef2)
for (f in list.files(Sys.getenv("CSEM_SRC"), full.names = TRUE)) {
  tryCatch(source(f), error = function(e) NULL)
}
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
res <- csem(mobi, ecsi, .disattenuate = FALSE, .tolerance = 1e-12, .iter_max = 1000)
cf2 <- calculatef2(res)
c_rows <- list()
for (t in rownames(cf2)) for (s in colnames(cf2)) if (s %in% preds[[t]]) {
  c_rows[[length(c_rows) + 1]] <- list(source = s, target = t, f2 = cf2[t, s])
}
out$f2_csem <- c_rows
cat(toJSON(out, digits = I(17), auto_unbox = TRUE, pretty = TRUE))
