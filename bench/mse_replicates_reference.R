# R's results on given bootstrap tables, for a replicate-by-replicate comparison with tiphub.
#
# Each line of REPLICATES.csv is one resampled table: the count for each row of DATASET.csv, in
# order. For each, R's stepwise estimate (SparseMSE estimatepopulation.0, pthresh 0.02); then the
# point estimate and jackknife acceleration (estimatepopulation, whose jackknife is deterministic)
# and SparseMSE's BCa limits (bcaconfvalues) computed from these replicate estimates. R's own
# random numbers (Mersenne Twister) cannot be reproduced from Python, so tiphub is checked on the
# very same tables instead: same estimates, same acceleration, same limits.
# Usage: Rscript bench/mse_replicates_reference.R DATASET.csv REPLICATES.csv OUT.json
suppressPackageStartupMessages({ library(SparseMSE); library(jsonlite) })
args <- commandArgs(trailingOnly = TRUE)
zdat <- read.csv(args[1], check.names = FALSE)
reps <- as.matrix(read.csv(args[2], header = FALSE))
n2 <- ncol(zdat)
alpha <- c(0.025, 0.05, 0.1, 0.16, 0.84, 0.9, 0.95, 0.975)
est <- apply(reps, 1, function(counts) {
  zb <- cbind(zdat[, -n2], count = counts)
  estimatepopulation.0(zb, quantiles = NULL, pthresh = 0.02)$estimate[[1]]
})
ep <- estimatepopulation(zdat, nboot = 2, pthresh = 0.02)
bca <- bcaconfvalues(est, ep$popest[[1]], ep$ahat, alpha)
writeLines(toJSON(list(estimates = est, popest = ep$popest[[1]], ahat = ep$ahat,
                       alpha = alpha, bca = unname(bca)), digits = NA, auto_unbox = TRUE),
           args[3])
