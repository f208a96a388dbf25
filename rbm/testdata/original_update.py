"""One CD-k update of the original project's RBM (boltzmann_machines/rbm/base_rbm.py,
_make_train_op), and its transform_op, restated in NumPy from the specification (shared/spec
§3.3-§3.5, §3.10, §3.14), float64, with deterministic chains (hidden and visible means) so that
every value can be compared. stdin: JSON state and switches; stdout: JSON state after.
"""
import json
import sys

import numpy as np


def sig(x):
    return 1.0 / (1.0 + np.exp(-x))


s = json.load(sys.stdin)
W, vb, hb = np.array(s["W"]), np.array(s["vb"]), np.array(s["hb"])
dW, dvb, dhb, q = np.array(s["dW"]), np.array(s["dvb"]), np.array(s["dhb"]), np.array(s["q"])
x = np.array(s["x"])
up = 2.0 if s["first"] else 1.0
down = 2.0 if s["last"] else 1.0
# the original doubles the bias with the input (spec §3.3); the theory's tied copies do not
hbe = up * hb if s["bias_doubling"] else hb
vbe = down * vb if s["bias_doubling"] else vb


def E_h(v):
    return sig(up * (v @ W) + hbe)


def E_v(h):
    return sig(down * (h @ W.T) + vbe)


def chain(x, k):
    h0 = E_h(x)
    h, v, hm = h0, None, None
    for _ in range(k):
        v = E_v(h)
        hm = E_h(v)
        h = hm
    return h0, v, hm


k, N = s["k"], x.shape[0]
h0, v, hm = chain(x, k)
gW = (x.T @ h0 - v.T @ hm) / N - s["l2"] * W
gvb = (x - v).mean(0)
ghb = (h0 - hm).mean(0)
d, c, t = s["damping"], s["cost"], s["target"]
if s["sparsity_original"]:
    q = d * q + (1 - d) * hm.sum(0)  # a SUM over the batch of the chain's final hidden means
    pen = c * (q - t)
    ghb = ghb - pen
    gW = gW - pen  # broadcast over every row
else:
    q = d * q + (1 - d) * h0.mean(0)
    pen = c * (q - t)
    ghb = ghb - pen
    gW = gW - np.outer(x.mean(0), pen)
lr, mom = s["lr"], s["momentum"]
if s["momentum_original"]:
    vel = lambda old, g: lr * (mom * old + g)
else:
    vel = lambda old, g: mom * old + lr * g
dW, dvb, dhb = vel(dW, gW), vel(dvb, gvb), vel(dhb, ghb)
W, vb, hb = W + dW, vb + dvb, hb + dhb
hbe = up * hb if s["bias_doubling"] else hb
vbe = down * vb if s["bias_doubling"] else vb
_, _, feat = chain(np.array(s["features_of"]), s["k"])  # transform_op: E[h | v_k] at the chain's end
json.dump({k: np.asarray(v).tolist() for k, v in
           {"W": W, "vb": vb, "hb": hb, "dW": dW, "dvb": dvb, "dhb": dhb, "q": q, "features": feat}.items()}, sys.stdout)
