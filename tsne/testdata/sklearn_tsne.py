# scikit-learn's TSNE (exact and Barnes-Hut) on the first n rows of its bundled digits
# (8×8 images, no download), for comparison with the Go embedding of the same rows. Input
# (JSON on stdin): n, perplexity, seed. Output (JSON): x, labels, and per method the embedding
# and scikit-learn's kl_divergence_.
import json
import sys
import warnings

import numpy as np
import sklearn
from sklearn.datasets import load_digits
from sklearn.manifold import TSNE

warnings.simplefilter("ignore")
d = json.load(sys.stdin)
digits = load_digits()
X = digits.data[: d["n"]].astype(np.float64)
out = {"x": X.tolist(), "labels": digits.target[: d["n"]].tolist(), "version": sklearn.__version__}
for method in ("exact", "barnes_hut"):
    t = TSNE(n_components=2, perplexity=d["perplexity"], method=method, angle=0.5,
             init="pca", learning_rate="auto", random_state=d["seed"])
    out[method] = {"y": t.fit_transform(X).tolist(), "kl": float(t.kl_divergence_)}
json.dump(out, sys.stdout)
