"""Turns the output of `make bench` (scripts/machine.sh, `go test -bench` of tfops, rbm, dbm and
mlp, scripts/bench_python.py and scripts/bench_epoch.py, all in one file) into one Markdown
table: medians and spreads of the repeats, ratios against the alternatives and the machine's
limits, and the performance targets with the figure reached.

    python3 scripts/bench_table.py bench.log
"""
import re
import statistics
import sys

NV, NH = 784, 1024


def parse(path):
    runs, machine, header = {}, [], True
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if header and re.match(r"^(date|cpu|cores|simd|memory|load):", line):
            machine.append(line)  # scripts/machine.sh's lines, at the top
            continue
        header = False
        m = re.match(r"^Benchmark(\S+?)(?:-\d+)?\s+(\d+)\s+([0-9.]+) ns/op(.*)$", line)
        if not m:
            continue
        extra = dict((u, float(v)) for v, u in re.findall(r"([0-9.]+) (\S+)", m.group(4)))
        extra["ns"] = float(m.group(3))
        runs.setdefault(m.group(1), []).append(extra)
    return runs, machine


class Table:
    def __init__(self, runs):
        self.runs = runs

    def have(self, name):
        return name in self.runs

    def med(self, name, key="ns"):
        return statistics.median(r[key] for r in self.runs[name] if key in r)

    def spread(self, name, key="ns"):
        v = [r[key] for r in self.runs[name] if key in r]
        m = statistics.median(v)
        return (max(v) - min(v)) / m * 100 if len(v) > 1 and m else 0.0


def ms(ns):
    return f"{ns / 1e6:.2f} ms"


def main():
    runs, machine = parse(sys.argv[1])
    t = Table(runs)
    out = []
    p = out.append
    p("**Machine**\n")
    for line in machine:
        p(f"    {line}")
    p("")
    peak = t.med("MatMul_1024x1024x1024", "GFLOP/s") if t.have("MatMul_1024x1024x1024") else float("nan")
    bw = t.med("Copy_256MiB", "GB/s") if t.have("Copy_256MiB") else float("nan")
    p("| limit | value (median, spread of the repeats) |")
    p("|---|---|")
    for name, label in (("MatMul_1024x1024x1024", "TF MatMul 1024³, float32"), ("MatMul_100x784x1024", "TF MatMul 100×784×1024"),
                        ("MatMul_10x784x1024", "TF MatMul 10×784×1024")):
        if t.have(name):
            p(f"| {label} | {t.med(name, 'GFLOP/s'):.1f} GFLOP/s (±{t.spread(name, 'GFLOP/s'):.0f} %) |")
    if t.have("Copy_256MiB"):
        p(f"| memory bandwidth, 256 MiB copy (read + write) | {bw:.1f} GB/s (±{t.spread('Copy_256MiB', 'GB/s'):.0f} %) |")
    p("")

    targets = []
    p("| CD-1, 784×1024 | ours | ours, TF ops only | JAX `jit` (XLA) | Python TF `tf.function` | scikit-learn | ours vs JAX | ours vs Python TF | ours vs sklearn | GFLOP/s (÷ 1024³ peak) | bytes/s (÷ bandwidth) |")
    p("|---|---|---|---|---|---|---|---|---|---|---|")
    for b in (10, 100):
        ours, tf_, sk = f"CD1_784x1024_B{b}", f"PyTF2FunctionCD1_784x1024_B{b}", f"PySklearnCD1_784x1024_B{b}"
        nok, jax = f"CD1NoKernels_784x1024_B{b}", f"JAXJitCD1_784x1024_B{b}"
        if not t.have(ours):
            continue
        o = t.med(ours)
        flops = 5 * 2 * b * NV * NH / o  # GFLOP/s (ns)
        bytes_ = 9 * NV * NH * 4 / o  # GB/s: W read 3×, the statistics written, W, velocity and statistics read, W and velocity written
        tf_ratio = t.med(tf_) / o if t.have(tf_) else float("nan")
        sk_ratio = t.med(sk) / o if t.have(sk) else float("nan")
        jax_ratio = t.med(jax) / o if t.have(jax) else float("nan")
        shown = lambda name: ms(t.med(name)) if t.have(name) else "—"
        p(f"| batch {b} | {ms(o)} (±{t.spread(ours):.0f} %) | {shown(nok)} | {shown(jax)} | {shown(tf_)} | {shown(sk)} "
          f"| {jax_ratio:.2f}× | {tf_ratio:.2f}× | {sk_ratio:.1f}× | {flops:.1f} ({flops / peak * 100:.0f} %) | {bytes_:.1f} GB/s ({bytes_ / bw * 100:.0f} %) |")
        targets.append((f"CD-1 batch {b} ≥ 1.1× JAX (XLA)", jax_ratio, jax_ratio >= 1.1, f"{jax_ratio:.2f}×"))
        if b == 10:
            targets.append(("CD-1 batch 10 ≥ 1.5× Python TF", tf_ratio, tf_ratio >= 1.5, f"{tf_ratio:.2f}×"))
            targets.append(("batch 10 ≥ 50 % of the memory-bandwidth bound", bytes_ / bw, bytes_ / bw >= 0.5, f"{bytes_ / bw * 100:.0f} %"))
        else:
            targets.append(("CD-1 batch 100 ≥ 1.2× Python TF", tf_ratio, tf_ratio >= 1.2, f"{tf_ratio:.2f}×"))
            targets.append(("batch 100 ≥ 70 % of the 1024³ MatMul peak", flops / peak, flops / peak >= 0.7, f"{flops / peak * 100:.0f} %"))
    p("")

    p("| float64 beside float32 (CD-1, 784×1024) | ours float32 | ours float64 | ratio | Python TF ratio |")
    p("|---|---|---|---|---|")
    for b in (10, 100):
        f32, f64 = f"CD1_784x1024_B{b}", f"CD1F64_784x1024_B{b}"
        if t.have(f32) and t.have(f64):
            py = (t.med(f"PyTF2FunctionCD1F64_784x1024_B{b}") / t.med(f"PyTF2FunctionCD1_784x1024_B{b}")
                  if t.have(f"PyTF2FunctionCD1F64_784x1024_B{b}") and t.have(f"PyTF2FunctionCD1_784x1024_B{b}") else float("nan"))
            p(f"| batch {b} | {ms(t.med(f32))} | {ms(t.med(f64))} | {t.med(f64) / t.med(f32):.2f}× | {py:.2f}× |")
    p("")

    p("| whole runs | ours | alternative | ours vs alternative |")
    p("|---|---|---|---|")
    if t.have("BmTrainEpochMNIST_B10"):
        e = t.med("BmTrainEpochMNIST_B10")
        rss = t.med("BmTrainEpochMNIST_B10", "MiB-peak-RSS")
        per = t.med("CD1Chunk10_784x1024_B10") if t.have("CD1Chunk10_784x1024_B10") else t.med("CD1_784x1024_B10")
        over = e / (5500 * per) - 1
        p(f"| `bm train` MNIST epoch (55,000 rows, batch 10) | {e / 1e9:.1f} s, {55000 / (e / 1e9):.0f} samples/s, peak RSS {rss:.0f} MiB "
          f"| 5,500 × the 10-per-run update benchmark: {5500 * per / 1e9:.1f} s | {over * 100:+.0f} % |")
        targets.append(("a full epoch within 10 % of the per-update benchmark", over, over <= 0.10, f"{over * 100:+.0f} %"))
        targets.append(("peak RSS ≤ 512 MiB training the MNIST RBM", rss, rss <= 512, f"{rss:.0f} MiB"))
    ours, orig = "BmDBMEpochMNIST_OursTol", "BmDBMEpochMNIST_OriginalTol"
    if t.have(ours) and t.have(orig):
        r = t.med(orig) / t.med(ours)
        p(f"| `bm dbm` MNIST DBM epoch (59,000 rows, batch 100), tolerance 1e-5: {t.med(ours, 'mf-sweeps'):.1f} sweeps per update "
          f"| {t.med(ours) / 1e9:.1f} s | the original's 1e-7 ({t.med(orig, 'mf-sweeps'):.1f} sweeps): {t.med(orig) / 1e9:.1f} s | {r:.2f}× |")
        targets.append(("DBM epoch ≥ 2× the original's tolerance (same code)", r, r >= 2, f"{r:.2f}×"))
    for ours, alt, label, unit, key in (
            ("Update_784x512x1024_MF50", "PyTF2FunctionDBMUpdateMF50_784x512x1024", "DBM 784-512-1024 update, 50 mean-field sweeps", "Python TF", "DBM update"),
            ("AIS_784x512x1024", "PyTF2FunctionAIS_784x512x1024", "AIS on that DBM, 1,000 β × 100 runs", "Python TF", "AIS"),
            ("Epoch_784x1024x10", "PyKerasEpoch_784x1024x10", "fine-tuning MLP epoch, 10,000 rows, batch 128", "Keras", None)):
        if t.have(ours) and t.have(alt):
            r = t.med(alt) / t.med(ours)
            p(f"| {label} | {ms(t.med(ours))} (±{t.spread(ours):.0f} %) | {unit}: {ms(t.med(alt))} | {r:.2f}× |")
            if key:
                targets.append((f"{key} ≥ 1.2× Python TF", r, r >= 1.2, f"{r:.2f}×"))
    p("")
    p("| target | reached | |")
    p("|---|---|---|")
    for name, _, ok, shown in targets:
        p(f"| {name} | {shown} | {'✓' if ok else '✗'} |")
    print("\n".join(out))


if __name__ == "__main__":
    main()
