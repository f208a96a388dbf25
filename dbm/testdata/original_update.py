"""One update of the original project's DBM (boltzmann_machines/dbm.py, _make_train_op), restated
in NumPy from the specification (shared/spec §4.4-§4.8), float64, with deterministic chains
(sample_v_states = sample_h_states = False) so that every value can be compared.

stdin: JSON with the state before the update and the switches; stdout: JSON of the state after.
"""
import json
import sys

import numpy as np


def sig(x):
    return 1.0 / (1.0 + np.exp(-x))


def sweep(W, b, v, H, update_v):
    """One sequential sweep h1 -> ... -> hL (-> v), means only (spec §4.4)."""
    L = len(W)
    H = [h.copy() for h in H]
    for i in range(L):
        below = v if i == 0 else H[i - 1]
        T = below @ W[i]
        if i + 1 < L:
            T = T + H[i + 1] @ W[i + 1].T
        H[i] = sig(T + b[i + 1])
    if update_v:
        v = sig(H[0] @ W[0].T + b[0])
    return v, H


def mean_field(W, b, x, start, steps, tol):
    """Spec §4.5: from the stored mu when given (the original), else bottom-up with doubling."""
    L = len(W)
    if start is None:
        mu, T = [], x
        for i in range(L):
            T = T @ W[i] * (2.0 if i + 1 < L else 1.0)
            T = sig(T + b[i + 1])
            mu.append(T)
    else:
        mu = [m.copy() for m in start]
    n = 0
    for _ in range(steps):
        _, new = sweep(W, b, x, mu, False)
        delta = max(np.max(np.abs(a - c)) for a, c in zip(new, mu))
        mu = new
        n += 1
        if delta <= tol:
            break
    return mu, n


def main():
    s = json.load(sys.stdin)
    A = lambda k: [np.array(a, dtype=np.float64) for a in s[k]]
    W, b, dW, db, P = A("W"), A("b"), A("dW"), A("db"), A("particles")
    L = len(W)
    x = np.array(s["x"])
    N, M = x.shape[0], P[0].shape[0]
    lr, mom, l2, k = s["lr"], s["momentum"], s["l2"], s["k"]
    start = A("mu")[1:] if s["previous"] else None
    mu, nmf = mean_field(W, b, x, start, s["mf_steps"], s["mf_tol"])
    v, H = P[0], P[1:]
    for _ in range(k):
        v, H = sweep(W, b, v, H, True)
    X = [x] + mu
    Q = [v] + H
    gW = [X[i].T @ X[i + 1] / N - Q[i].T @ Q[i + 1] / M - l2 * W[i] for i in range(L)]
    gb = [X[l].mean(0) - Q[l].mean(0) for l in range(L + 1)]
    q, qmu = A("q"), A("qmu")
    d = s["damping"]
    if s["sparsity_original"]:
        # spec §4.7 as coded: the summed activity vector indexed by the layer number
        for i in range(L):
            q[i + 1] = d * q[i + 1] + (1 - d) * Q[i + 1].sum(0)[i]
            qmu[i + 1] = d * qmu[i + 1] + (1 - d) * X[i + 1].sum(0)[i]
            c, t = s["cost"][i], s["target"][i]
            pen = c * (q[i + 1] - t) + c * (qmu[i + 1] - t)
            gW[i] = gW[i] - pen
            gb[i + 1] = gb[i + 1] - pen
    else:
        for i in range(L):
            act = X[i + 1].mean(0)
            q[i + 1] = d * q[i + 1] + (1 - d) * act
            pen = s["cost"][i] * (q[i + 1] - s["target"][i])
            gb[i + 1] = gb[i + 1] - pen
            gW[i] = gW[i] - np.outer(X[i].mean(0), pen)
    if s["momentum_original"]:
        vel = lambda old, g: lr * (mom * old + g)
    else:
        vel = lambda old, g: mom * old + lr * g
    dW = [vel(dW[i], gW[i]) for i in range(L)]
    db = [vel(db[l], gb[l]) for l in range(L + 1)]
    W = [W[i] + dW[i] for i in range(L)]
    C = s["max_norm"]
    for i in range(L):
        norms = np.sqrt((W[i] ** 2).sum(0))
        W[i] = W[i] * np.minimum(norms, C) / np.maximum(norms, 1e-12)
    b = [b[l] + db[l] for l in range(L + 1)]
    P = [v] + H
    if s["particle_means"]:  # the display_particles side effect, after the update
        v, H = sweep(W, b, P[0], P[1:], True)
        P = [v] + H
    if s["val"] is not None:  # the original's validation: mean field and chains, no update
        xv = np.array(s["val"])
        mu, _ = mean_field(W, b, xv, mu if s["previous"] else None, s["mf_steps"], s["mf_tol"])
        v, H = P[0], P[1:]
        for _ in range(k):
            v, H = sweep(W, b, v, H, True)
        P = [v] + H
    out = {"W": W, "b": b, "dW": dW, "db": db, "particles": P, "mu": [np.zeros((1, 1))] + mu,
           "q": q, "qmu": qmu, "nmf": nmf}
    json.dump({k: [np.asarray(a).tolist() for a in v] if isinstance(v, list) else v for k, v in out.items()}, sys.stdout)


main()
