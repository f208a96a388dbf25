# A NumPy re-statement of t-SNE's affinities, gradient and KL divergence (van der Maaten &
# Hinton, JMLR 2008, equations 1, 4 and 5; the exact method, P over all pairs), written from
# the equations and not from the Go code. Input (JSON on stdin): x (n×d), perplexity, p (n×n:
# the Go P, for the gradient), y (n×2), exaggeration. Output (JSON): p (n×n: this P), grad
# (n×2: the gradient of KL(αP‖Q) at y for the given p), kl (KL(P‖Q) at y for the given p).
import json
import sys

import numpy as np

d = json.load(sys.stdin)
X = np.array(d["x"], dtype=np.float64)
Y = np.array(d["y"], dtype=np.float64)
Pgo = np.array(d["p"], dtype=np.float64)
perplexity, alpha = d["perplexity"], d["exaggeration"]
n = X.shape[0]

# p_{j|i} ∝ exp(-β_i ||x_i - x_j||²) with H(p_{.|i}) = log(perplexity) nats, by bisection
# (scikit-learn's _binary_search_perplexity: start at 1, double or halve, then bisect).
D = ((X[:, None, :] - X[None, :, :]) ** 2).sum(-1)
C = np.zeros((n, n))
for i in range(n):
    others = np.arange(n) != i
    di = D[i, others]
    beta, lo, hi = 1.0, -np.inf, np.inf
    for _ in range(200):
        e = np.exp(-beta * di)
        s = e.sum()
        p = e / s
        H = np.log(s) + beta * (di * p).sum()
        if abs(H - np.log(perplexity)) <= 1e-5:
            break
        if H > np.log(perplexity):
            lo = beta
            beta = beta * 2 if hi == np.inf else (beta + hi) / 2
        else:
            hi = beta
            beta = beta / 2 if lo == -np.inf else (beta + lo) / 2
    C[i, others] = p
P = C + C.T
P /= P.sum()

# q_ij = (1 + ||y_i - y_j||²)^-1 / Z and dC/dy_i = 4 Σ_j (α p_ij - q_ij)(1 + ||y_i - y_j||²)^-1 (y_i - y_j).
diff = Y[:, None, :] - Y[None, :, :]
W = 1.0 / (1.0 + (diff ** 2).sum(-1))
np.fill_diagonal(W, 0.0)
Q = W / W.sum()
grad = 4.0 * (((alpha * Pgo - Q) * W)[:, :, None] * diff).sum(1)
mask = Pgo > 0
kl = float((Pgo[mask] * np.log(Pgo[mask] / Q[mask])).sum())
json.dump({"p": P.tolist(), "grad": grad.tolist(), "kl": kl}, sys.stdout)
