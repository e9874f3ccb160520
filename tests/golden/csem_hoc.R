# Reference numbers for satmodels' higher-order constructs and moderation
# (tests/test_acsi_hoc.py, tests/test_acsi_moderation.py).
#
# cSEM and seminr are not on this machine's CRAN mirror, so their R sources
# (github M-E-Rademaker/cSEM and sem-in-r/seminr, snapshot of 2026-11-30)
# are source()d, as in tests/golden/csem_mobi.R; dependencies come from
# Debian's r-cran-* packages.
#   CSEM_SRC=/path/to/cSEM/R SEMINR_SRC=/path/to/seminr/R \
#     Rscript tests/golden/csem_hoc.R mobi.csv \
#       src/satmodels/datasets/sample_survey.csv \
#     > tests/golden/csem_hoc.json
# (the CSV bundled with satmodels: satmodels.datasets.load_sample_survey()).
#
# Higher-order constructs (Becker et al. 2012; Sarstedt et al. 2019):
#  * repeated indicators: cSEM on the data with the components' indicators
#    repeated under new names (cSEM's documentation: "the repeated
#    indicators approach ... simply requires a respecification of the
#    model"), HOC -> LOC paths (reflective) or LOC -> HOC (formative);
#  * embedded two-stage: stage 1 = the repeated-indicators model (cSEM),
#    stage 2 = cSEM on the data plus the components' stage-1 scores;
#  * disjoint two-stage: seminr's higher_composite() (its own two stages),
#    and cSEM run in two stages by hand as a second implementation.
# Moderation (Henseler & Chin 2010; Little et al. 2006): seminr's
# interaction_term(method = two_stage / orthogonal / product_indicator).
# Every fit is plain PLS (no disattenuation), path weighting, iterated to
# 1e-12 (seminr: stopCriterion = 12, also in its moderation first stage).
suppressMessages({
  library(magrittr); library(purrr); library(abind); library(MASS)
  library(Matrix); library(matrixStats); library(expm); library(psych)
  library(lavaan); library(future.apply); library(cli); library(crayon)
  library(jsonlite)
})
for (f in list.files(Sys.getenv("CSEM_SRC"), full.names = TRUE)) {
  tryCatch(source(f), error = function(e) NULL)  # plotting files need extras
}
for (f in list.files(Sys.getenv("SEMINR_SRC"), full.names = TRUE)) {
  # seminr calls itself as seminr::f, which needs an installed package:
  # read its sources with that prefix removed
  code <- gsub("seminr::", "", readLines(f, warn = FALSE), fixed = TRUE)
  tryCatch(eval(parse(text = code), envir = globalenv()), error = function(e) NULL)
}
# seminr's moderation first stage runs simplePLS at its default tolerance
# (1e-7); run it to 1e-12 like every other fit here
first_stage_pls <- function(data, smMatrix, mmMatrix, measurement_mode_scheme, ...) {
  simplePLS(obsData = data, smMatrix = smMatrix, mmMatrix = mmMatrix,
            measurement_mode_scheme = measurement_mode_scheme,
            maxIt = 1000, stopCriterion = 12)
}

args <- commandArgs(trailingOnly = TRUE)
mobi <- read.csv(args[1])
survey <- read.csv(args[2])

csem_fit <- function(data, model) {
  res <- csem(data, model, .disattenuate = FALSE, .tolerance = 1e-12,
              .iter_max = 1000, .PLS_weight_scheme_inner = "path")
  list(
    paths = res$Estimates$Path_estimates,
    latents = rownames(res$Estimates$Path_estimates),
    weights = as.list(colSums(res$Estimates$Weight_estimates)),
    loadings = as.list(colSums(res$Estimates$Loading_estimates)),
    r2 = as.list(res$Estimates$R2),
    scores = res$Estimates$Construct_scores
  )
}

drop_scores <- function(x) { x$scores <- NULL; x }

block_text <- function(blocks, op = NULL) {
  paste(vapply(names(blocks), function(lv) {
    o <- if (is.null(op[[lv]])) "=~" else op[[lv]]
    paste(lv, o, paste(blocks[[lv]], collapse = " + "))
  }, ""), collapse = "\n")
}

# ----------------------------------------------------------------- HOC
# One higher-order construct H of components (c1, c2) with antecedent A and
# consequence B; `blocks` holds the first-order blocks; `paths` the
# structural model in lavaan text using H.
hoc_refs <- function(data, blocks, hoc, comps, mode, paths_rest) {
  op <- if (mode == "A") "=~" else "<~"
  # repeated indicators (renamed item_H: cSEM reads '.' as a product)
  rep_items <- unlist(blocks[comps])
  rep_names <- paste0(rep_items, "_", hoc)
  rdata <- data
  for (k in seq_along(rep_items)) rdata[[rep_names[k]]] <- data[[rep_items[k]]]
  link <- if (mode == "A") paste0(comps, " ~ ", hoc) else
    paste0(hoc, " ~ ", paste(comps, collapse = " + "))
  ri_model <- paste(
    block_text(blocks), paste(hoc, op, paste(rep_names, collapse = " + ")),
    paste(link, collapse = "\n"), paths_rest, sep = "\n")
  ri <- csem_fit(rdata, ri_model)
  # embedded two-stage: stage 2 on the stage-1 scores of the components
  others <- blocks[setdiff(names(blocks), comps)]
  s2_model <- paste(block_text(others),
                    paste(hoc, op, paste(comps, collapse = " + ")),
                    paths_rest, sep = "\n")
  sdata <- cbind(data, ri$scores[, comps])
  embedded <- csem_fit(sdata, s2_model)
  # disjoint two-stage by hand in cSEM: stage 1 replaces H by its components
  lines <- strsplit(paths_rest, "\n")[[1]]
  dis_lines <- c()
  for (ln in lines) {
    lr <- strsplit(ln, "~")[[1]]
    lhs <- trimws(lr[1]); rhs <- trimws(strsplit(lr[2], "\\+")[[1]])
    lhs_set <- if (lhs == hoc) comps else lhs
    rhs_set <- unlist(lapply(rhs, function(r) if (r == hoc) comps else r))
    for (l in lhs_set) dis_lines <- c(dis_lines, paste(l, "~", paste(rhs_set, collapse = " + ")))
  }
  d1 <- csem_fit(data, paste(block_text(blocks), paste(dis_lines, collapse = "\n"), sep = "\n"))
  disjoint_csem <- csem_fit(cbind(data, d1$scores[, comps]), s2_model)
  list(
    repeated_indicators = drop_scores(ri),
    embedded_two_stage = drop_scores(embedded),
    embedded_first_stage = drop_scores(ri),
    disjoint_two_stage_csem = drop_scores(disjoint_csem),
    disjoint_first_stage_csem = drop_scores(d1)
  )
}

seminr_disjoint <- function(data, blocks, hoc, comps, mode, paths) {
  w <- if (mode == "A") correlation_weights else regression_weights
  mm <- do.call(constructs, c(
    lapply(names(blocks), function(lv) composite(lv, blocks[[lv]])),
    list(higher_composite(hoc, comps, method = two_stage, weights = w))
  ))
  sm <- do.call(relationships, lapply(paths, function(p) paths(from = p[[1]], to = p[[2]])))
  fit <- suppressMessages(estimate_pls(data, mm, sm, maxIt = 1000, stopCriterion = 12))
  list(
    paths = unclass(fit$path_coef),
    latents = rownames(fit$path_coef),
    weights = as.list(rowSums(fit$outer_weights)),
    loadings = as.list(rowSums(fit$outer_loadings)),
    r2 = as.list(fit$rSquared["Rsq", ])
  )
}

mobi_blocks <- list(
  IMAG = paste0("IMAG", 1:5), EXPE = paste0("CUEX", 1:3),
  QUAL = paste0("PERQ", 1:7), VAL = paste0("PERV", 1:2),
  SAT = paste0("CUSA", 1:3), LOY = paste0("CUSL", 1:3)
)
mobi_rest <- "PERF ~ EXPE\nSAT ~ IMAG + PERF\nLOY ~ IMAG + SAT"
mobi_paths <- list(list("EXPE", "PERF"), list(c("IMAG", "PERF"), "SAT"),
                   list(c("IMAG", "SAT"), "LOY"))

survey_blocks <- list(
  EXPE = paste0("expe", 1:3), QUAL = paste0("qual", 1:4),
  VAL = paste0("val", 1:2), SAT = paste0("sat", 1:3), LOY = paste0("loy", 1:3)
)
survey_rest <- "PERF ~ EXPE\nSAT ~ EXPE + PERF\nLOY ~ SAT"
survey_paths <- list(list("EXPE", "PERF"), list(c("EXPE", "PERF"), "SAT"),
                     list("SAT", "LOY"))
survey_c <- survey[complete.cases(survey[, unlist(survey_blocks)]), ]

hoc_case <- function(data, blocks, rest, paths, mode) {
  out <- hoc_refs(data, blocks, "PERF", c("QUAL", "VAL"), mode, rest)
  out$disjoint_two_stage_seminr <- seminr_disjoint(data, blocks, "PERF",
                                                   c("QUAL", "VAL"), mode, paths)
  out
}

# ----------------------------------------------------------- moderation
moderation_refs <- function(data, blocks, x, z, y, rest_paths) {
  res <- list()
  for (m in c("two_stage", "orthogonal", "product_indicator")) {
    method <- get(m)
    mm <- do.call(constructs, c(
      lapply(names(blocks), function(lv) composite(lv, blocks[[lv]])),
      list(interaction_term(iv = x, moderator = z, method = method))
    ))
    sm <- do.call(relationships, c(
      lapply(rest_paths, function(p) paths(from = p[[1]], to = p[[2]])),
      list(paths(from = c(x, z, paste0(x, "*", z)), to = y))
    ))
    fit <- suppressMessages(estimate_pls(data, mm, sm, maxIt = 1000, stopCriterion = 12))
    pc <- unclass(fit$path_coef)
    b <- pc[c(x, paste0(x, "*", z), z), y]
    res[[m]] <- list(
      paths = pc, latents = rownames(pc),
      weights = as.list(rowSums(fit$outer_weights)),
      loadings = as.list(rowSums(fit$outer_loadings)),
      r2 = as.list(fit$rSquared["Rsq", ]),
      # seminr's slope_analysis: Y at X = -1, 0, 1 for Z = -1, 0, 1 (rows)
      simple_slopes = list(moderator_level = c(-1, 0, 1),
                           slope = b[1] + b[2] * c(-1, 0, 1),
                           intercept = b[3] * c(-1, 0, 1))
    )
  }
  res
}

mod_blocks <- list(IMAG = paste0("IMAG", 1:5), SAT = paste0("CUSA", 1:3),
                   LOY = paste0("CUSL", 1:3))

out <- list(
  source = paste(
    "cSEM (github M-E-Rademaker/cSEM) and seminr (github sem-in-r/seminr)",
    "R sources, run by tests/golden/csem_hoc.R on the ECSI mobi data and on",
    "satmodels.datasets.load_sample_survey()"
  ),
  tolerance = list(estimates_atol = 1e-8, note = "every fit iterated to 1e-12"),
  mobi = list(
    reflective = hoc_case(mobi, mobi_blocks, mobi_rest, mobi_paths, "A"),
    formative = hoc_case(mobi, mobi_blocks, mobi_rest, mobi_paths, "B")
  ),
  survey = list(
    n = nrow(survey_c),
    reflective = hoc_case(survey_c, survey_blocks, survey_rest, survey_paths, "A"),
    formative = hoc_case(survey_c, survey_blocks, survey_rest, survey_paths, "B")
  ),
  moderation = list(
    x = "SAT", z = "IMAG", y = "LOY",
    mobi = moderation_refs(mobi, mod_blocks, "SAT", "IMAG", "LOY", list())
  )
)
cat(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE, na = "null"))
