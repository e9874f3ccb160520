# Reference Q² by blindfolding for satmodels' acsi.blindfold (tests/test_acsi_predict.py).
#
# R semPLS 1.0-10 (CRAN; repository cran/semPLS, R/ sources) is not on this
# machine's CRAN mirror, so its R sources are source()d. Its qSquared()
# loops over rounds `for(j in 1:(d-1))`, so rows d, 2d, ... are never
# omitted; the loop is read as `1:d` here (every row omitted once, as the
# method is described by Wold 1982 and Chin 1998).
#   SEMPLS_SRC=/path/to/semPLS/R Rscript tests/golden/sempls_blindfold.R \
#     ../shared/data/ecsi/mobi.csv > tests/golden/sempls_blindfold.json
# Model: the ECSI model on mobi, mode A, path weighting (wscheme =
# "pathWeighting"), tol 1e-13 ("square" criterion); qSquared(d, impfun =
# meanrep, dlines = TRUE): whole rows of the construct's block omitted,
# mean replacement, cross-validated redundancy (path coefficients).
suppressMessages({library(MASS); library(jsonlite)})
for (f in list.files(Sys.getenv("SEMPLS_SRC"), full.names = TRUE)) {
  src <- gsub("for(j in 1:(d-1)){", "for(j in 1:d){", readLines(f), fixed = TRUE)
  tryCatch(eval(parse(text = src), envir = globalenv()), error = function(e) NULL)
}
args <- commandArgs(trailingOnly = TRUE)
mobi <- read.csv(args[1])
blocks <- list(
  IMAG = paste0("IMAG", 1:5), EXPE = paste0("CUEX", 1:3),
  QUAL = paste0("PERQ", 1:7), VAL = paste0("PERV", 1:2),
  SAT = paste0("CUSA", 1:3), COMP = "CUSCO", LOY = paste0("CUSL", 1:3)
)
mm <- do.call(rbind, lapply(names(blocks), function(l) cbind(l, blocks[[l]])))
sm <- rbind(
  c("IMAG", "EXPE"), c("EXPE", "QUAL"), c("EXPE", "VAL"), c("QUAL", "VAL"),
  c("IMAG", "SAT"), c("EXPE", "SAT"), c("QUAL", "SAT"), c("VAL", "SAT"),
  c("SAT", "COMP"), c("IMAG", "LOY"), c("SAT", "LOY"), c("COMP", "LOY")
)
model <- suppressWarnings(plsm(data = mobi, strucmod = sm, measuremod = mm))
opts <- list(wscheme = "pathWeighting", tol = 1e-13, maxit = 1000, convCrit = "square")
fit <- do.call(sempls, c(list(model, mobi, verbose = FALSE), opts))
out <- list(
  source = paste(
    "R semPLS 1.0-10 (cran/semPLS sources) qSquared(fit, d, impfun = meanrep,",
    "dlines = TRUE) with the rounds loop read as 1:d; ECSI model on mobi,",
    "path weighting, tol 1e-13"
  ),
  path_sat_loy = fit$path_coefficients["SAT", "LOY"]
)
for (d in c(7, 9)) {
  q <- do.call(qSquared, c(list(fit, d = d, impfun = meanrep, dlines = TRUE), opts))
  out[[paste0("q2_d", d)]] <- as.list(q[names(blocks)[-1], 1])
}
cat(toJSON(out, digits = I(17), auto_unbox = TRUE, pretty = TRUE))
