"""Times the XLA-compiled alternative a researcher would write today, printed in `go test -bench`
format (BENCH_REPEATS lines per benchmark, default 3) so that `make bench` tabulates it beside the
Go benchmarks and Python TF of the same run (scripts/bench_table.py):

- the CD-1 update of rbm's benchmark (784x1024 Bernoulli RBM, float32, classical momentum 0.9,
  learning rate 0.01, weight decay 1e-4, hidden states sampled once) written in JAX, compiled
  with jax.jit, the parameters and momenta donated so XLA updates them in place; batch 10 and 100.

Each call runs one update and blocks until its results are ready.
"""
import numpy as np

from bench_python import bench  # the same timing loop and output lines as the Python TF rows


def main():
    import jax
    import jax.numpy as jnp

    @jax.jit
    def cd1(params, key, x):
        W, vb, hb, dW, dvb, dhb = params
        key, sub = jax.random.split(key)
        h0 = jax.nn.sigmoid(x @ W + hb)
        hs = (jax.random.uniform(sub, h0.shape, jnp.float32) < h0).astype(jnp.float32)
        v1 = jax.nn.sigmoid(hs @ W.T + vb)
        h1 = jax.nn.sigmoid(v1 @ W + hb)
        n = x.shape[0]
        gW = (x.T @ h0 - v1.T @ h1) / n - 1e-4 * W
        dW = 0.9 * dW + 0.01 * gW
        dvb = 0.9 * dvb + 0.01 * jnp.mean(x - v1, 0)
        dhb = 0.9 * dhb + 0.01 * jnp.mean(h0 - h1, 0)
        return (W + dW, vb + dvb, hb + dhb, dW, dvb, dhb), key

    donated = jax.jit(cd1.__wrapped__, donate_argnums=(0, 1))
    rng = np.random.default_rng(1)
    for batch in (10, 100):
        x = jnp.asarray((rng.random((batch, 784)) < 0.13).astype(np.float32))
        state = {
            "params": (jnp.asarray(rng.normal(0, 0.01, (784, 1024)).astype(np.float32)),
                       jnp.zeros(784, jnp.float32), jnp.zeros(1024, jnp.float32),
                       jnp.zeros((784, 1024), jnp.float32), jnp.zeros(784, jnp.float32),
                       jnp.zeros(1024, jnp.float32)),
            "key": jax.random.PRNGKey(1),
        }

        def step(state=state, x=x):
            state["params"], state["key"] = donated(state["params"], state["key"], x)
            state["params"][0].block_until_ready()

        bench(f"JAXJitCD1_784x1024_B{batch}", batch, step)


if __name__ == "__main__":
    main()
