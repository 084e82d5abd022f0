# Reference results from R for tiphub.estimation's tests (tests/data/mse/reference_r.json).
#
# Calls the public functions of SparseMSE 2.0.1 (modelfit, stepwisefit, checkident,
# estimatepopulation.0, buildmodel, count_triples) with lpSolve, on R 4.2.2. Two procedures are
# restated here around base R's glm because Rcapture is not installable offline: Bales-Hesketh-
# Silverman AIC forward selection (modslavmse 2.0 MSEfit: closedpCI.t(mX = formula) is a Poisson
# glm on all 2^k - 1 cells) and Rcapture 1.4-4's multinomial profile-likelihood interval
# (closedpCI.internal: loglikemult + optimize + uniroot, tol 1e-4). The profile limits are
# cross-checked against real Rcapture output for four datasets in reference_public.json.
#
# Usage: Rscript bench/mse_reference.R DATA_DIR OUT.json   (needs SparseMSE and lpSolve installed)
suppressPackageStartupMessages({ library(SparseMSE); library(jsonlite) })
args <- commandArgs(trailingOnly = TRUE)
data_dir <- args[1]; out_file <- args[2]
thresholds <- c(0, 0.001, 0.01, 0.02, 0.05, 0.1, 0.2, 1)

all_pairs <- function(m) { p <- t(expand.grid(1:m, 1:m)); p[, p[1, ] < p[2, ], drop = FALSE] }
pair_names <- function(vn, mX) if (is.null(mX) || length(mX) == 0) character(0) else
  apply(matrix(vn[as.matrix(mX)], nrow = 2), 2, paste, collapse = ":")

describe_fit <- function(z, vn) {
  fit <- z$fit
  cf <- coef(fit)
  s <- summary(fit)
  eo <- z$emptyoverlaps
  fitted_terms <- setdiff(names(cf), c("(Intercept)", vn))
  est <- c(0.025, 0.1, 0.9, 0.975)
  mu <- cf[[1]]; se <- sqrt(s$cov.unscaled[1, 1])
  nobs <- sum(fit$data[, ncol(fit$data)])
  list(
    fitted_terms = fitted_terms,
    empty_terms = if (ncol(eo) > 0) colnames(eo) else character(0),
    coefficients = as.list(cf),
    coefficient_se = as.list(sqrt(diag(s$cov.unscaled))),
    deviance = fit$deviance, aic = fit$aic, df_residual = fit$df.residual,
    n_cells_fitted = nrow(fit$data), iterations = fit$iter,
    dark_figure = exp(mu), total = nobs + exp(mu),
    wald = as.list(setNames(nobs + exp(qnorm(est, mu, se)), as.character(est))),
    poisson_p_empty = as.list(z$poisspempty)
  )
}

# Tight refit of the same model with base glm (epsilon 1e-14): shows how much of any difference
# from tiphub is R's default convergence (epsilon 1e-8).
tight_fit <- function(zdat, mX) {
  bm <- buildmodel(zdat, mX)
  fit <- glm(bm$modelform, family = poisson, data = bm$datamatrix,
             control = glm.control(epsilon = 1e-14, maxit = 100))
  list(coefficients = as.list(coef(fit)), deviance = fit$deviance,
       aic = fit$aic + 2 * ncol(bm$emptyoverlaps),
       dark_figure = exp(coef(fit)[[1]]),
       intercept_se = sqrt(summary(fit)$cov.unscaled[1, 1]))
}

# Stepwise path as terms in order of addition (fitted and empty), recovered from the fit.
stepwise_terms <- function(z, vn) {
  f <- attr(terms(z$fit), "term.labels")
  c(setdiff(f, vn), if (ncol(z$emptyoverlaps) > 0) colnames(z$emptyoverlaps) else character(0))
}

# modslavmse::MSEfit (Bales, Hesketh and Silverman) restated on glm, as closedpCI.t fits it.
bhs_fit <- function(zdat, pthresh = 0.05) {
  m <- ncol(zdat) - 1
  full <- tidylists(zdat, includezerocounts = TRUE)
  vn <- names(full)[1:m]
  fitf <- function(terms) {
    form <- paste(names(full)[m + 1], "~", paste(c(vn, terms), collapse = " + "))
    suppressWarnings(glm(as.formula(form), family = poisson, data = full))
  }
  ints <- all_pairs(m); nints <- ncol(ints)
  inc <- rep(FALSE, nints); cur <- character(0); zfit <- fitf(cur); aic0 <- zfit$aic
  for (cycle in 1:nints) {
    aicnew <- rep(aic0, nints)
    for (j in 1:nints) if (!inc[j]) aicnew[j] <- fitf(c(cur, paste(vn[ints[, j]], collapse = ":")))$aic
    if (min(aicnew) >= aic0) break
    aic0 <- min(aicnew); j <- min(which(aicnew == aic0))
    new <- c(cur, paste(vn[ints[, j]], collapse = ":"))
    zf1 <- fitf(new)
    pval <- rev(summary(zf1)$coefficients[, 4])[1]
    if (pval > pthresh) break
    zfit <- zf1; cur <- new; inc[j] <- TRUE
  }
  list(terms = cur, coefficients = as.list(coef(zfit)), deviance = zfit$deviance,
       aic = zfit$aic, dark_figure = exp(coef(zfit)[[1]]),
       total = sum(full[, m + 1]) + exp(coef(zfit)[[1]]))
}

# Rcapture closedpCI.internal's multinomial profile likelihood for a glm fitted on `dat`.
profile_ci <- function(form, dat, alpha = 0.05, fmaxSupCL = 3) {
  y <- dat[, ncol(dat)]; n <- sum(y)
  fit <- glm(form, family = poisson, data = dat)
  N <- n + exp(coef(fit)[[1]])
  davec <- dat[1, , drop = FALSE]; davec[1, ] <- 0
  loglikemult <- function(N, lobj = 0) {
    n0 <- N - n
    d <- rbind(dat, davec); d[nrow(d), ncol(d)] <- n0
    g <- suppressWarnings(glm(form, family = poisson, data = d, control = list(maxit = 200)))
    Nn0 <- sum(d[, ncol(d)])
    if (Nn0 > 100) {
      ct <- if (n0 == 0 || n0 == 1) -Nn0 + 0.5 * log(2 * pi * Nn0) else n0 - Nn0 - 0.5 * log(n0 / Nn0)
    } else ct <- log((n0^n0) * factorial(Nn0) / ((Nn0^Nn0) * factorial(n0)))
    (g$deviance - 2 * ct) / (-2) - lobj
  }
  opmax <- optimize(loglikemult, c(n, 3 * N), tol = 0.0001, maximum = TRUE)
  lmin <- opmax$objective - qchisq(1 - alpha, 1) / 2
  inf <- try(uniroot(loglikemult, c(n, opmax$maximum), lobj = lmin, tol = 0.0001), silent = TRUE)
  sup <- try(uniroot(loglikemult, c(opmax$maximum, fmaxSupCL * N), lobj = lmin, tol = 0.0001), silent = TRUE)
  list(multinomial_mle = opmax$maximum,
       low = if (inherits(inf, "try-error")) n else inf$root,
       high = if (inherits(sup, "try-error")) NULL else sup$root)
}

results <- list()
for (f in sort(list.files(data_dir, pattern = "\\.csv$", full.names = TRUE))) {
  name <- sub("\\.csv$", "", basename(f))
  zdat <- read.csv(f, check.names = FALSE)
  m <- ncol(zdat) - 1; vn <- names(zdat)[1:m]; ints <- all_pairs(m)
  cat(name, "\n", file = stderr())
  checks <- list(main_effects = checkident(zdat, NULL), all_pairs = checkident(zdat, 0))
  for (j in 1:ncol(ints)) {
    checks[[paste0("only ", pair_names(vn, ints[, j]))]] <- checkident(zdat, ints[, j])
    checks[[paste0("all but ", pair_names(vn, ints[, j]))]] <- checkident(zdat, ints[, -j, drop = FALSE])
  }
  step <- list()
  for (p in thresholds) {
    t0 <- proc.time()[["elapsed"]]
    z <- stepwisefit(zdat, p)
    el <- proc.time()[["elapsed"]] - t0
    d <- describe_fit(z, vn)
    d$terms <- stepwise_terms(z, vn)
    d$elapsed_s <- el
    step[[format(p)]] <- d
  }
  main <- modelfit(zdat, NULL)
  sel <- stepwisefit(zdat, 0.02)
  bm <- buildmodel(zdat, NULL)
  bms <- tidylists(zdat, TRUE)
  selterms <- stepwise_terms(sel, vn)
  mXsel <- NULL
  if (length(selterms) > 0) mXsel <- sapply(strsplit(selterms, ":"), function(x) match(x, vn))
  bsel <- buildmodel(zdat, mXsel)
  bhs <- bhs_fit(zdat)
  bhs_bm <- buildmodel(zdat, if (length(bhs$terms) > 0) sapply(strsplit(bhs$terms, ":"), function(x) match(x, vn)) else NULL)
  results[[name]] <- list(
    lists = vn, observed = sum(zdat[, m + 1]), count_triples = count_triples(zdat),
    checkident = checks,
    main = c(describe_fit(main, vn), list(tight = tight_fit(zdat, NULL))),
    stepwise = step,
    stepwise_tight = tight_fit(zdat, mXsel),
    aic_bhs = bhs,
    profile = list(main = profile_ci(bm$modelform, bm$datamatrix),
                   stepwise_0.02 = profile_ci(bsel$modelform, bsel$datamatrix),
                   aic_bhs = profile_ci(bhs_bm$modelform, bhs_bm$datamatrix))
  )
}
out <- list(
  about = paste("R", paste(R.version$major, R.version$minor, sep = "."),
                "SparseMSE", as.character(packageVersion("SparseMSE")),
                "lpSolve", as.character(packageVersion("lpSolve"))),
  thresholds = thresholds, datasets = results)
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, null = "null", pretty = TRUE), out_file)
