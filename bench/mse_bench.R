# R side of bench/estimation_bench.py: SparseMSE stepwise fits and BCa bootstrap, timed.
# Usage: Rscript bench/mse_bench.R DATASET.csv N_FITS N_BOOT   (prints one JSON object)
suppressPackageStartupMessages({ library(SparseMSE); library(jsonlite) })
args <- commandArgs(trailingOnly = TRUE)
zdat <- read.csv(args[1], check.names = FALSE)
nfits <- as.integer(args[2]); nboot <- as.integer(args[3])
t0 <- proc.time()
for (i in seq_len(nfits)) fit <- stepwisefit(zdat, 0.02)
t1 <- proc.time()
boot <- estimatepopulation(zdat, nboot = nboot, pthresh = 0.02, iseed = 1234)
t2 <- proc.time()
cat(toJSON(list(
  stepwise_fits = nfits,
  stepwise_wall_s = (t1 - t0)[["elapsed"]], stepwise_cpu_s = (t1 - t0)[["user.self"]] + (t1 - t0)[["sys.self"]],
  bootstrap_reps = nboot,
  bootstrap_wall_s = (t2 - t1)[["elapsed"]], bootstrap_cpu_s = (t2 - t1)[["user.self"]] + (t2 - t1)[["sys.self"]],
  total = boot$popest[[1]], bca = unname(boot$BCaquantiles),
  r_version = paste(R.version$major, R.version$minor, sep = "."),
  sparsemse = as.character(packageVersion("SparseMSE"))), auto_unbox = TRUE, digits = NA), "\n")
