"""Load SavedModels written by export.Write with Python TensorFlow and run their signatures.

Usage: python check_savedmodel.py MANIFEST.json

The manifest (written by python_test.go) is
    {"out": DIR,
     "models": [{"name": NAME, "dir": SAVEDMODEL_DIR, "visible": X.npy, "seeds": [[a, b], ...],
                 "mask": MASK.npy, "sweeps": N}],
     "tf1": {"dir": SAVEDMODEL_DIR, "visible": X.npy}}
For each model this loads it with tf.saved_model.load (the TF2 loader, which reads TF1-style
SavedModels through load_v1_in_v2), calls every signature and saves each output as
DIR/NAME/<signature>.<output>.npy (the sample signature once per seed, as
sample.<i>.<output>.npy; the complete signature, with the mask and sweeps, for the first two
seeds as complete.<i>.<output>.npy) and each variable as DIR/NAME/var.<i>.npy. The "tf1" model is also
loaded in a TF1 graph-mode session with tf.compat.v1.saved_model.loader.load. A summary of
what was found goes to DIR/report.json. Errors propagate: a non-zero exit fails the Go test.
"""

import json
import os
import sys

import numpy as np
import tensorflow as tf


def describe(spec):
    return {"dtype": spec.dtype.name, "shape": None if spec.shape.rank is None else [
        -1 if d is None else d for d in spec.shape.as_list()]}


def check_tf2(model, out):
    m = tf.saved_model.load(model["dir"])
    x = np.load(model["visible"])
    os.makedirs(out, exist_ok=True)
    rep = {"signatures": {}, "variables": []}
    for key in sorted(m.signatures):
        fn = m.signatures[key]
        args, kwargs = fn.structured_input_signature
        rep["signatures"][key] = {
            "inputs": {k: describe(v) for k, v in kwargs.items()},
            "outputs": {k: describe(v) for k, v in fn.structured_outputs.items()},
        }
    for key in ("serving_default", "reconstruct", "free_energy"):
        for name, value in m.signatures[key](visible=tf.constant(x)).items():
            np.save(os.path.join(out, "%s.%s.npy" % (key, name)), value.numpy())
    for i, seed in enumerate(model["seeds"]):
        res = m.signatures["sample"](visible=tf.constant(x), seed=tf.constant(seed, dtype=tf.int64))
        for name, value in res.items():
            np.save(os.path.join(out, "sample.%d.%s.npy" % (i, name)), value.numpy())
    mask = np.load(model["mask"])
    for i, seed in enumerate(model["seeds"][:2]):
        res = m.signatures["complete"](images=tf.constant(x), mask=tf.constant(mask), seed=tf.constant(seed, dtype=tf.int64),
                                       sweeps=tf.constant(model["sweeps"], dtype=tf.int64))
        for name, value in res.items():
            np.save(os.path.join(out, "complete.%d.%s.npy" % (i, name)), value.numpy())
    for i, v in enumerate(m.variables):
        np.save(os.path.join(out, "var.%d.npy" % i), v.numpy().reshape(1, -1) if v.shape.rank < 2 else v.numpy())
        rep["variables"].append({"name": v.name, "shape": v.shape.as_list(), "dtype": v.dtype.name})
    return rep


def check_tf1(model, out):
    """Loads in a TF1 session, runs serving_default, then the variables' initializers."""
    x = np.load(model["visible"])
    rep = {}
    with tf.Graph().as_default(), tf.compat.v1.Session() as sess:
        mg = tf.compat.v1.saved_model.loader.load(sess, ["serve"], model["dir"])
        sig = mg.signature_def["serving_default"]
        y = sess.run(sig.outputs["features"].name, {sig.inputs["visible"].name: x})
        np.save(os.path.join(out, "tf1.serving_default.features.npy"), y)
        gv = tf.compat.v1.global_variables()
        rep["global_variables"] = [v.name for v in gv]
        rep["trainable_variables"] = len(tf.compat.v1.trainable_variables())
        # The initializers must run without feeds (they assign zeros), as in a Python-made model.
        sess.run(tf.compat.v1.global_variables_initializer())
        rep["zero_after_init"] = all(not np.any(sess.run(v)) for v in gv)
    return rep


def main():
    with open(sys.argv[1]) as f:
        manifest = json.load(f)
    report = {"tensorflow": tf.__version__, "models": {}}
    for model in manifest["models"]:
        report["models"][model["name"]] = check_tf2(model, os.path.join(manifest["out"], model["name"]))
    if manifest.get("tf1"):
        report["tf1"] = check_tf1(manifest["tf1"], manifest["out"])
    with open(os.path.join(manifest["out"], "report.json"), "w") as f:
        json.dump(report, f, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
