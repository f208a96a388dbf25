"""scikit-learn's TSNE on the same MNIST rows as `bm tsne`, and both embeddings scored alike.

Usage: python scripts/tsne_sklearn.py MNIST_DIR N OUT_DIR [GO_EMBEDDING.npy ...]

Embeds the first N test images (pixels / 255) with scikit-learn's Barnes-Hut TSNE at its
defaults (perplexity 30, PCA start, learning rate "auto", 1000 iterations, random_state 0),
writes OUT_DIR/sklearn.npy and prints its time. Then scores it and every given embedding of
the same rows (e.g. `bm tsne -embedding-out`) the same way: KL(P||Q) with scikit-learn's own
sparse P (90 nearest neighbours) and Q normalised over all pairs, and the leave-one-out 5-NN
accuracy in the plane.
"""
import gzip
import os
import sys
import time

import numpy as np
from sklearn.manifold import TSNE
from sklearn.manifold._t_sne import _joint_probabilities_nn
from sklearn.neighbors import NearestNeighbors


def idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    shape = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, np.uint8, offset=4 + 4 * ndim).reshape(shape)


def find(d, name):
    for cand in (name, name + ".gz", name.replace("-idx", ".idx")):
        if os.path.exists(os.path.join(d, cand)):
            return os.path.join(d, cand)
    raise FileNotFoundError(name)


def kl_exact(P, Y):
    Y = Y.astype(np.float64)
    z = 0.0
    for lo in range(0, len(Y), 1000):
        d = ((Y[lo:lo + 1000, None, :] - Y[None, :, :]) ** 2).sum(-1)
        w = 1.0 / (1.0 + d)
        z += w.sum() - min(1000, len(Y) - lo)  # drop the diagonal's w = 1
    P = P.tocoo()
    d = ((Y[P.row] - Y[P.col]) ** 2).sum(-1)
    q = 1.0 / (1.0 + d) / z
    return float((P.data * np.log(P.data / q)).sum())


def knn_accuracy(Y, y, k=5):
    _, ind = NearestNeighbors(n_neighbors=k + 1).fit(Y).kneighbors(Y)
    votes = y[ind[:, 1:]]
    pred = np.array([np.bincount(v, minlength=10).argmax() for v in votes])
    return float((pred == y).mean())


mnist, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
X = idx(find(mnist, "t10k-images-idx3-ubyte"))[:n].reshape(n, -1).astype(np.float64) / 255
y = idx(find(mnist, "t10k-labels-idx1-ubyte"))[:n].astype(int)
start = time.time()
Y = TSNE(n_components=2, perplexity=30, init="pca", learning_rate="auto", random_state=0).fit_transform(X)
print(f"scikit-learn TSNE: {time.time() - start:.1f} s")
np.save(os.path.join(out, "sklearn.npy"), Y)
nn = NearestNeighbors(n_neighbors=91).fit(X)
dist, ind = nn.kneighbors(X)
from scipy.sparse import csr_matrix
D = csr_matrix(((dist[:, 1:] ** 2).ravel(), ind[:, 1:].ravel(), np.arange(0, n * 90 + 1, 90)), shape=(n, n))
P = _joint_probabilities_nn(D, 30, 0)
for name, emb in [("scikit-learn", Y)] + [(p, np.load(p)) for p in sys.argv[4:]]:
    print(f"{name}: KL {kl_exact(P, emb):.4f}, leave-one-out 5-NN accuracy {knn_accuracy(emb, y):.4f}")
