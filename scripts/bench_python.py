"""Times the alternatives a user would pick, printed in `go test -bench` format (one line per
repeat, BENCH_REPEATS of them, default 3) so that `make bench` tabulates them beside the Go
benchmarks of the same run (scripts/bench_table.py):

- scikit-learn's BernoulliRBM.partial_fit (persistent CD-1, float64 NumPy), 784x1024;
- the same CD-1 update as rbm's in Python TensorFlow 2.18 with tf.function (float32, float64);
- one joint-training update of the MNIST DBM (784-512-1024, batch 100, 100 particles, 50
  mean-field sweeps, one Gibbs step of the particles, momentum) with tf.function;
- 1,000 AIS steps of 100 runs on that DBM (the state is h1, v and h2 summed out), tf.function
  over chunks of 50 steps as dbm's graph;
- one Keras epoch of the fine-tuning MLP (784 -> 1024 sigmoid -> 10 softmax, Adam, batch 128)
  over 10,000 rows.

The TensorFlow programs do the same matrix work as the Go graphs; the Go ones also keep the
original's extras (max-norm, sparsity and metric bookkeeping), so the comparison slightly favours
Python.
"""
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import numpy as np

REPEATS = int(os.environ.get("BENCH_REPEATS", "3"))


def bench(name, per_op, step, unit="samples/s", min_seconds=2.0):
    """Prints REPEATS lines for name: ns per call of step, and per_op units per call."""
    step()  # warm up (traces tf.functions)
    for _ in range(REPEATS):
        n, start = 0, time.perf_counter()
        while True:
            step()
            n += 1
            elapsed = time.perf_counter() - start
            if elapsed >= min_seconds:
                break
        ns = elapsed / n * 1e9
        print(f"Benchmark{name}\t{n}\t{ns:.0f} ns/op\t{per_op * n / elapsed:.1f} {unit}", flush=True)


def rbm_benches(tf, rng):
    for batch in (10, 100):
        x = (rng.random((batch, 784)) < 0.13).astype(np.float64)
        try:
            from sklearn.neural_network import BernoulliRBM
        except ImportError:
            print("sklearn not installed; skipping its benchmark", file=sys.stderr)
        else:
            r = BernoulliRBM(n_components=1024, learning_rate=0.01, batch_size=batch, random_state=1)
            bench(f"PySklearnCD1_784x1024_B{batch}", batch, lambda: r.partial_fit(x))
        for dt, tag in ((tf.float32, ""), (tf.float64, "F64")):
            W = tf.Variable(tf.random.normal([784, 1024], stddev=0.01, seed=1, dtype=dt))
            vb, hb = tf.Variable(tf.zeros([784], dt)), tf.Variable(tf.zeros([1024], dt))
            dW = tf.Variable(tf.zeros([784, 1024], dt))
            dvb, dhb = tf.Variable(tf.zeros([784], dt)), tf.Variable(tf.zeros([1024], dt))
            xt = tf.constant(x, dt)

            @tf.function
            def step():
                h0 = tf.sigmoid(xt @ W + hb)
                hs = tf.cast(tf.random.uniform(tf.shape(h0), dtype=dt) < h0, dt)
                v1 = tf.sigmoid(hs @ tf.transpose(W) + vb)
                h1 = tf.sigmoid(v1 @ W + hb)
                n = tf.cast(tf.shape(xt)[0], dt)
                gW = (tf.transpose(xt) @ h0 - tf.transpose(v1) @ h1) / n - 1e-4 * W
                dW.assign(0.9 * dW + 0.01 * gW)
                dvb.assign(0.9 * dvb + 0.01 * tf.reduce_mean(xt - v1, 0))
                dhb.assign(0.9 * dhb + 0.01 * tf.reduce_mean(h0 - h1, 0))
                W.assign_add(dW)
                vb.assign_add(dvb)
                hb.assign_add(dhb)

            bench(f"PyTF2Function{'CD1' + tag}_784x1024_B{batch}", batch, step)


def dbm_benches(tf, rng):
    n0, n1, n2, B = 784, 512, 1024, 100
    W1 = tf.Variable(tf.random.normal([n0, n1], stddev=0.01, seed=1))
    W2 = tf.Variable(tf.random.normal([n1, n2], stddev=0.01, seed=2))
    b0, b1, b2 = (tf.Variable(tf.zeros([n])) for n in (n0, n1, n2))
    vel = [tf.Variable(tf.zeros_like(p)) for p in (W1, W2, b0, b1, b2)]
    x = tf.constant((rng.random((B, n0)) < 0.13).astype(np.float32))
    pv = tf.Variable(tf.cast(tf.random.uniform([B, n0]) < 0.5, tf.float32))
    p1 = tf.Variable(tf.cast(tf.random.uniform([B, n1]) < 0.5, tf.float32))
    p2 = tf.Variable(tf.cast(tf.random.uniform([B, n2]) < 0.5, tf.float32))
    bern = lambda p: tf.cast(tf.random.uniform(tf.shape(p)) < p, tf.float32)

    @tf.function
    def update():
        mu1 = tf.sigmoid(2.0 * (x @ W1) + b1)
        mu2 = tf.sigmoid(mu1 @ W2 + b2)
        for _ in range(50):
            mu1 = tf.sigmoid(x @ W1 + mu2 @ tf.transpose(W2) + b1)
            mu2 = tf.sigmoid(mu1 @ W2 + b2)
        h1 = bern(tf.sigmoid(pv @ W1 + p2 @ tf.transpose(W2) + b1))
        v = bern(tf.sigmoid(h1 @ tf.transpose(W1) + b0))
        h2 = bern(tf.sigmoid(h1 @ W2 + b2))
        pv.assign(v), p1.assign(h1), p2.assign(h2)
        grads = [(tf.transpose(x) @ mu1 - tf.transpose(v) @ h1) / B, (tf.transpose(mu1) @ mu2 - tf.transpose(h1) @ h2) / B,
                 tf.reduce_mean(x - v, 0), tf.reduce_mean(mu1 - h1, 0), tf.reduce_mean(mu2 - h2, 0)]
        for p, d, g in zip((W1, W2, b0, b1, b2), vel, grads):
            d.assign(0.9 * d + 1e-3 * g)
            p.assign_add(d)

    bench("PyTF2FunctionDBMUpdateMF50_784x512x1024", B, update)

    runs = 100
    h = tf.Variable(tf.cast(tf.random.uniform([runs, n1]) < 0.5, tf.float32))
    logw = tf.Variable(tf.zeros([runs], tf.float64))

    @tf.function
    def chunk(betas):
        hh, lw = h.read_value(), logw.read_value()
        for j in range(1, 51):
            bp, bc = betas[j - 1], betas[j]
            a, c = hh @ tf.transpose(W1), hh @ W2
            lp = lambda beta: (tf.reduce_sum(tf.nn.softplus(beta * (a + b0)), 1) + tf.reduce_sum(tf.nn.softplus(beta * (c + b2)), 1)
                               + beta * tf.reduce_sum(hh * b1, 1))
            lw += tf.cast(lp(bc) - lp(bp), tf.float64)
            v = bern(tf.sigmoid(bc * (a + b0)))
            h2 = bern(tf.sigmoid(bc * (c + b2)))
            hh = bern(tf.sigmoid(bc * (v @ W1 + h2 @ tf.transpose(W2) + b1)))
        h.assign(hh)
        logw.assign(lw)

    schedule = np.linspace(0, 1, 1001).astype(np.float32)

    def ais():
        for k in range(0, 1000, 50):
            chunk(tf.constant(schedule[k:k + 51]))

    bench("PyTF2FunctionAIS_784x512x1024", 1000, ais, unit="steps/s", min_seconds=4.0)


def keras_bench(tf, rng):
    x = (rng.random((10000, 784)) < 0.13).astype(np.float32)
    y = rng.integers(0, 10, 10000)
    model = tf.keras.Sequential([tf.keras.Input((784,)), tf.keras.layers.Dense(1024, activation="sigmoid"),
                                 tf.keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer=tf.keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy")
    bench("PyKerasEpoch_784x1024x10", 10000, lambda: model.fit(x, y, batch_size=128, epochs=1, shuffle=False, verbose=0))


def main():
    rng = np.random.default_rng(1)
    import tensorflow as tf
    tf.config.threading.set_intra_op_parallelism_threads(os.cpu_count())
    only = os.environ.get("BENCH_PY", "rbm,dbm,keras").split(",")
    if "rbm" in only:
        rbm_benches(tf, rng)
    if "dbm" in only:
        dbm_benches(tf, rng)
    if "keras" in only:
        keras_bench(tf, rng)


if __name__ == "__main__":
    main()
