#!/usr/bin/env bash
# cifar-memory.sh: the peak memory of `bm dbm-cifar` at the real data sizes, extrapolated from two
# runs on synthetic CIFAR-10 (docs/PERFORMANCE.md, "Memory of bm dbm-cifar").
#
#   scripts/cifar-memory.sh [BM [WORKDIR [N_TRAIN_SMALL N_TRAIN_LARGE]]]
#
# Writes CIFAR-10 binary batches of random pixels (the real 50,000 + 10,000 images), runs
# bm dbm-cifar with the real model sizes (26 patch RBMs 192→300, the Gaussian RBM 3072→7800, the
# multinomial RBM 7800→512, the DBM, the 7800-unit MLP), one epoch per stage and --threads 1, at
# two training sizes (10 augmented rows per image), reads the per-stage "memory:" log lines (peak
# RSS = VmHWM; peak anonymous memory and peak mapped-file pages, sampled every 50 ms) and prints
# each stage's per-row slope and its figure extrapolated linearly to the original's 490,000
# augmented rows (--n-train 49000). Each run needs about 2-4 GiB.
set -euo pipefail
BM=${1:-bin/bm}
WORK=${2:-runs/cifar-memory}
SMALL=${3:-600}
LARGE=${4:-1800}
mkdir -p "$WORK/cifar-10-batches-bin"
python3 - "$WORK/cifar-10-batches-bin" <<'PY'
import os, random, sys
random.seed(1)
for name in ["data_batch_%d.bin" % i for i in range(1, 6)] + ["test_batch.bin"]:
    path = os.path.join(sys.argv[1], name)
    if os.path.exists(path) and os.path.getsize(path) == 10000 * 3073:
        continue
    with open(path, "wb") as f:
        for _ in range(10000):
            f.write(bytes([random.randrange(10)]) + os.urandom(3072))
PY
for n in "$SMALL" "$LARGE"; do
  d="$WORK/n$n"
  rm -rf "$d" && mkdir -p "$d" && cp -r "$WORK/cifar-10-batches-bin" "$d/"
  "$BM" dbm-cifar --data-path "$d" --n-train "$n" --n-val 1000 --small-epochs 1 --epochs 1 1 1 --max-mf-updates 5 \
    --mlp-epochs 1 --threads 1 --small-dirpath-prefix "$d/models/small_" --grbm-dirpath "$d/models/grbm" \
    --mrbm-dirpath "$d/models/mrbm" --dbm-dirpath "$d/models/dbm" --mlp-save-prefix "$d/grbm_" --export-dir "" \
    --quiet > "$d/log" 2>&1 || { echo "bm dbm-cifar --n-train $n failed: see $d/log" >&2; exit 1; }
done
python3 "$(dirname "$0")/cifar_memory_table.py" "$WORK/n$SMALL/log" "$((10 * SMALL))" "$WORK/n$LARGE/log" "$((10 * LARGE))"
