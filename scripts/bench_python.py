"""Times the alternatives a user would pick for one CD-1 update of a 784x1024 Bernoulli RBM
(batches of 10 and 100), printed in `go test -bench` format so that `make bench` shows them
beside the Go benchmarks:

- scikit-learn's BernoulliRBM.partial_fit (persistent CD-1, float64 NumPy), and
- the same CD-1 update as rbm's, written in Python TensorFlow 2.18 with tf.function (float32).
"""
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import numpy as np


def bench(name, batch, step, min_seconds=2.0):
    step()  # warm up (traces tf.functions)
    n, start = 0, time.perf_counter()
    while True:
        step()
        n += 1
        elapsed = time.perf_counter() - start
        if elapsed >= min_seconds:
            break
    ns = elapsed / n * 1e9
    print(f"Benchmark{name}\t{n}\t{ns:.0f} ns/op\t{batch * n / elapsed:.1f} samples/s", flush=True)


def main():
    rng = np.random.default_rng(1)
    for batch in (10, 100):
        x = (rng.random((batch, 784)) < 0.13).astype(np.float64)
        try:
            from sklearn.neural_network import BernoulliRBM
        except ImportError:
            print("sklearn not installed; skipping its benchmark", file=sys.stderr)
        else:
            r = BernoulliRBM(n_components=1024, learning_rate=0.01, batch_size=batch, random_state=1)
            bench(f"PySklearnCD1_784x1024_B{batch}", batch, lambda: r.partial_fit(x))

        import tensorflow as tf
        tf.config.threading.set_intra_op_parallelism_threads(os.cpu_count())
        W = tf.Variable(tf.random.normal([784, 1024], stddev=0.01, seed=1))
        vb, hb = tf.Variable(tf.zeros([784])), tf.Variable(tf.zeros([1024]))
        dW = tf.Variable(tf.zeros([784, 1024]))
        dvb, dhb = tf.Variable(tf.zeros([784])), tf.Variable(tf.zeros([1024]))
        xt = tf.constant(x, tf.float32)

        @tf.function
        def step():
            h0 = tf.sigmoid(xt @ W + hb)
            hs = tf.cast(tf.random.uniform(tf.shape(h0)) < h0, tf.float32)
            v1 = tf.sigmoid(hs @ tf.transpose(W) + vb)
            h1 = tf.sigmoid(v1 @ W + hb)
            n = tf.cast(tf.shape(xt)[0], tf.float32)
            gW = (tf.transpose(xt) @ h0 - tf.transpose(v1) @ h1) / n - 1e-4 * W
            dW.assign(0.9 * dW + 0.01 * gW)
            dvb.assign(0.9 * dvb + 0.01 * tf.reduce_mean(xt - v1, 0))
            dhb.assign(0.9 * dhb + 0.01 * tf.reduce_mean(h0 - h1, 0))
            W.assign_add(dW)
            vb.assign_add(dvb)
            hb.assign_add(dhb)

        bench(f"PyTF2FunctionCD1_784x1024_B{batch}", batch, step)


if __name__ == "__main__":
    main()
