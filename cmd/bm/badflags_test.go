package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBadFlagsEverywhere runs subcommands with bad values: each must exit 2 naming the flag,
// before any work (no model folder appears), and none may panic.
func TestBadFlagsEverywhere(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "images.idx")
	writeIDX(t, data, 60, 4, 4)
	out := filepath.Join(dir, "out")
	train := []string{"train", "-data", data, "-n-train", "50", "-n-val", "10", "-out", out, "-quiet"}
	dbmArgs := []string{"dbm", "-data", data, "-n-train", "50", "-n-val", "10", "-n-hiddens", "3,2", "-out", out, "-quiet"}
	cases := []struct {
		base []string
		args []string
		flag string
	}{}
	add := func(base []string, flag string, values ...string) {
		for _, v := range values {
			cases = append(cases, struct {
				base []string
				args []string
				flag string
			}{base, append([]string{"-" + flag}, strings.Fields(v)...), "-" + flag})
		}
	}
	add(train, "samples", "-1")
	add(train, "filters", "-1")
	add(train, "val-every", "0", "-2")
	add(train, "feg-every", "0")
	add(train, "feg-batches", "0")
	add(train, "groups", "0")
	add(train, "draws", "0")
	add(train, "threads", "-1")
	add(train, "sample-steps", "0", "-1")
	add(train, "w-init", "-1", "NaN", "Inf")
	add(train, "l2", "-1", "NaN")
	add(train, "sparsity-cost", "-1")
	add(train, "centering", "-0.1", "1.5")
	add(train, "hb-init", "NaN")
	add(train, "method", "sgd")
	add(train, "pt-replicas", "1", "0")
	add(train, "updates-per-run", "0")
	add(train, "train-every", "0")
	add(train, "batch-size", "0", "-3")
	add(train, "epochs", "0", "-1")
	add(train, "n-hidden", "0")
	add(train, "vb-init", "mean")
	add(train, "sample-start", "middle")
	add(train, "momentum-rule", "nesterov")
	add(train, "momentum", "1.5", "-0.1")
	add(train, "lr", "0", "NaN")
	add(dbmArgs, "batch-size", "0")
	add(dbmArgs, "epochs", "0")
	add(dbmArgs, "n-particles", "0", "1000")
	add(dbmArgs, "n-gibbs-steps", "0")
	add(dbmArgs, "max-mf-updates", "0")
	add(dbmArgs, "mf-tol", "-1")
	add(dbmArgs, "max-norm", "-1")
	add(dbmArgs, "lr", "-1")
	add(dbmArgs, "momentum", "2")
	add(dbmArgs, "centering", "3")
	add(dbmArgs, "threads", "-2")
	add(dbmArgs, "rbm-epochs", "-1,1", "0,1", "1")
	add(dbmArgs, "rbm-batch-size", "0,0", "10")
	add(dbmArgs, "rbm-k", "0,1")
	add(dbmArgs, "rbm-lr", "0,1", "NaN,1")
	add(dbmArgs, "rbm-l2", "-1,0")
	add(dbmArgs, "rbm-w-init", "-1,0")
	add(dbmArgs, "rbm-sample-v", "2,1", "1")
	add(dbmArgs, "hidden-units", "tanh,bernoulli", "bernoulli")
	add(dbmArgs, "visible", "spin")
	add(dbmArgs, "increase-n-gibbs-steps-every", "-1")
	add(dbmArgs, "ais-runs", "1")
	add(dbmArgs, "ais-betas", "-5")
	add(dbmArgs, "momentum-rule", "adam")
	add(dbmArgs, "n-hiddens", "0,2")
	sample := []string{"sample", "-model", filepath.Join(dir, "none"), "-out", filepath.Join(dir, "s.png")}
	add(sample, "chains", "0", "100000000")
	add(sample, "steps", "0")
	add(sample, "image-shape", "a,b,c", "0,3,1")
	add(sample, "out", dir)
	classify := []string{"classify", "-features", filepath.Join(dir, "none.npy"), "-out", out}
	add(classify, "classifier", "forest")
	add(classify, "knn-k", "0", "-1")
	add(classify, "logreg-c", "0", "-1")
	add(classify, "logreg-max-iter", "0")
	add(classify, "svm-c", "0")
	add(classify, "svm-gamma", "-1")
	add(classify, "svm-tol", "0")
	add(classify, "rff-dim", "0")
	add(classify, "rff-c", "-2")
	add(classify, "train-rows", "-5")
	export := []string{"export", "-model", filepath.Join(dir, "none"), "-base", filepath.Join(dir, "sm")}
	add(export, "version", "-3")
	add(export, "sample-steps", "0", "-1")
	logz := []string{"logz", "-model", filepath.Join(dir, "none")}
	add(logz, "method", "mcmc")
	add(logz, "betas", "0")
	add(logz, "runs", "1")
	add(logz, "sweeps", "0", "2000")
	add(logz, "base", "data")
	add(logz, "schedule", "log")
	add(logz, "burn-in", "-1")
	add(logz, "binarize", "half")
	transform := []string{"transform", "-model", filepath.Join(dir, "none"), "-data", data, "-out", filepath.Join(dir, "f.npy")}
	add(transform, "layer", "-1", "x")
	for _, base := range [][]string{export, logz, transform, {"sample", "-model", filepath.Join(dir, "none")}, {"classify", "-data", data}} {
		add(base, "threads", "-1")
		add(base, "gpu", "x", "0,-1")
	}
	// The original's programs (argparse spellings: the flag is named with its two dashes).
	models := filepath.Join(dir, "models")
	rbmMNIST := []string{"rbm-mnist", "--data-path", dir, "--model-dirpath", filepath.Join(models, "r"), "--quiet"}
	dbmMNIST := []string{"dbm-mnist", "--data-path", dir, "--rbm1-dirpath", filepath.Join(models, "1"), "--rbm2-dirpath", filepath.Join(models, "2"),
		"--dbm-dirpath", filepath.Join(models, "d"), "--quiet"}
	naive := []string{"dbm-cifar-naive", "--data-path", dir, "--grbm-dirpath", filepath.Join(models, "g"), "--quiet"}
	cifar := []string{"dbm-cifar", "--data-path", dir, "--grbm-dirpath", filepath.Join(models, "g"), "--small-dirpath-prefix", filepath.Join(models, "s_"), "--quiet"}
	for _, prog := range [][]string{rbmMNIST, dbmMNIST, naive, cifar} {
		add(prog, "-n-train", "0", "x")
		add(prog, "-n-val", "-1")
		add(prog, "-lr", "0", "NaN", "-1")
		add(prog, "-epochs", "0")
		add(prog, "-batch-size", "0")
		add(prog, "-n-gibbs-steps", "0")
		add(prog, "-mlp-epochs", "0")
		add(prog, "-mlp-batch-size", "0")
		add(prog, "-mlp-lrm", "0", "1 2 3 4")
		add(prog, "-mlp-val-metric", "val_auc")
		add(prog, "-mlp-dropout", "1", "-0.5")
		add(prog, "-mlp-l2", "-1")
		add(prog, "-dtype", "float16")
		add(prog, "-momentum-rule", "adam")
		add(prog, "-threads", "-1")
	}
	add(rbmMNIST, "-n-hidden", "0")
	add(rbmMNIST, "-w-init", "-1")
	add(rbmMNIST, "-l2", "-1")
	add(dbmMNIST, "-n-hiddens", "0", "3 4 5")
	add(dbmMNIST, "-sparsity-damping", "0.5")
	add(dbmMNIST, "-n-particles", "0")
	add(dbmMNIST, "-max-mf-updates", "0")
	add(dbmMNIST, "-ais-runs", "0")
	add(naive, "-n-particles", "0")
	add(cifar, "-small-epochs", "0")
	add(cifar, "-small-batch-size", "0")
	add(cifar, "-small-lr", "0", "-1")
	add(cifar, "-small-l2", "-1")
	add(cifar, "-small-sparsity-target", "0")
	add(cifar, "-small-sparsity-cost", "-1")
	add(cifar, "-small-jobs", "0")
	add(cifar, "-small-n-hidden", "0")
	add(cifar, "-n-hidden", "0")
	add(cifar, "-sparsity-target", "1 2 3")
	add(cifar, "-sparsity-damping", "0.5")
	add(cifar, "-increase-n-gibbs-steps-every", "-1")
	for _, tc := range cases {
		var code int
		msg := captureStderr(t, func() { code = run(append(append([]string(nil), tc.base...), tc.args...)) })
		if code != 2 || !strings.Contains(msg, tc.flag) {
			t.Errorf("bm %s %v: exit %d, stderr %q; want exit 2 naming %s", tc.base[0], tc.args, code, msg, tc.flag)
		}
	}
	for _, made := range []string{out, models} {
		if _, err := os.Stat(made); !os.IsNotExist(err) {
			t.Errorf("a bad flag left %s behind (%v): checks must come before any work", made, err)
		}
	}
	t.Logf("%d bad-flag cases", len(cases))
}
