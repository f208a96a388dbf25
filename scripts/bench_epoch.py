"""Times one `bm train` epoch on MNIST (55,000 rows, batch 10, 784x1024: the original's RBM) and
measures the process's peak RSS, printed in `go test -bench` format for scripts/bench_table.py.
With a third argument `dbm`, times instead one DBM epoch of `bm dbm` (784-512-1024, 59,000 rows,
batch 100, after one epoch of each pretraining RBM) at our mean-field tolerance and at the
original's 1e-7, one after the other, with the sweeps each used per update.

    python3 scripts/bench_epoch.py [bin/bm] [data/mnist] [dbm]
"""
import re
import resource
import subprocess
import sys
import tempfile
import time


def main():
    bm = sys.argv[1] if len(sys.argv) > 1 else "bin/bm"
    data = sys.argv[2] if len(sys.argv) > 2 else "data/mnist"
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        p = subprocess.run([bm, "train", "-data", data, "-epochs", "1", "-out", out, "-quiet", "-samples", "0",
                            "-filters", "0", "-fresh"], capture_output=True, text=True)
        wall = time.perf_counter() - start
    if p.returncode != 0:
        sys.exit(f"bm train failed:\n{p.stderr}")
    m = re.search(r"^epoch 1/1;.*\(([0-9.]+)s\)", p.stdout + p.stderr, re.M)
    if not m:
        sys.exit(f"no epoch line in bm train's output:\n{p.stdout}{p.stderr}")
    epoch = float(m.group(1))
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KiB on Linux
    print(f"BenchmarkBmTrainEpochMNIST_B10\t1\t{epoch * 1e9:.0f} ns/op\t{55000 / epoch:.1f} samples/s\t{rss:.0f} MiB-peak-RSS\t{wall:.1f} s-wall")


def dbm_epochs(bm, data):
    for tol, name in (("1e-5", "OursTol"), ("1e-7", "OriginalTol")):
        with tempfile.TemporaryDirectory() as out:
            p = subprocess.run([bm, "dbm", "-data", data, "-out", out, "-rbm-epochs", "1,1", "-epochs", "1", "-ais-betas", "0",
                                "-mf-tol", tol, "-quiet"], capture_output=True, text=True)
        if p.returncode != 0:
            sys.exit(f"bm dbm failed:\n{p.stderr}")
        m = re.search(r"^DBM epoch 1/1; mf sweeps ([0-9.]+);.*\(([0-9.]+)s\)", p.stdout + p.stderr, re.M)
        if not m:
            sys.exit(f"no DBM epoch line in bm dbm's output:\n{p.stdout}{p.stderr}")
        sweeps, epoch = float(m.group(1)), float(m.group(2))
        print(f"BenchmarkBmDBMEpochMNIST_{name}\t1\t{epoch * 1e9:.0f} ns/op\t{59000 / epoch:.1f} samples/s\t{sweeps:.1f} mf-sweeps")


if __name__ == "__main__":
    if len(sys.argv) > 3 and sys.argv[3] == "dbm":
        dbm_epochs(sys.argv[1], sys.argv[2])
    else:
        main()
