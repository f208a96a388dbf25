package main

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	tf "github.com/galeone/tensorflow/tensorflow/go"

	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/dbm"
	"github.com/boltzmann-go/boltzmann/internal/fixtures"
	"github.com/boltzmann-go/boltzmann/mlp"
	"github.com/boltzmann-go/boltzmann/optim"
	"github.com/boltzmann-go/boltzmann/pipeline"
)

// writeLabeledMNIST writes a small MNIST-format folder: nTrain and nTest 8×8 images of 10
// classes, each class a noisy copy of its own random prototype, with their labels.
func writeLabeledMNIST(t *testing.T, dir string, nTrain, nTest int) (testLabels []int) {
	t.Helper()
	ys, err := fixtures.MNIST{Side: 8, Train: nTrain, Test: nTest, Seed: 7, White: 0}.Write(dir)
	if err != nil {
		t.Fatal(err)
	}
	return ys
}

// checkFineTuneArtefacts checks what a fine-tuning stage leaves: predictions and targets as
// .npy, the kernels, the MLP model folder (which loads and predicts the saved predictions), its
// TensorBoard logs and a SavedModel whose classify signature gives the same classes.
//
// The saved MLP classifies mlpInput (the test images, or with --mlp-augment the images followed
// by the DBM's features) and the SavedModel the raw test images.
func checkFineTuneArtefacts(t *testing.T, prefix, exportDir, name string, kernels []string, testLabels []int, testImages, mlpInput *dataset.Matrix[float32]) {
	t.Helper()
	pred, err := dataset.ReadNPYLabels(prefix + "y_pred.npy")
	if err != nil {
		t.Fatal(err)
	}
	y, err := dataset.ReadNPYLabels(prefix + "y_test.npy")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(y, testLabels) {
		t.Fatalf("y_test.npy differs from the test labels")
	}
	if len(pred) != len(y) {
		t.Fatalf("%d predictions for %d labels", len(pred), len(y))
	}
	if _, err := os.Stat(prefix + "confusion.png"); err != nil {
		t.Error(err)
	}
	for _, k := range kernels {
		if _, err := dataset.ReadNPY[float32](prefix + k + ".npy"); err != nil {
			t.Errorf("%s: %v", k, err)
		}
	}
	m, err := mlp.Load(filepath.Join(prefix+"mlp", "model"))
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	got, err := m.Classify(mlpInput)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, pred) {
		t.Errorf("the saved MLP does not reproduce y_pred.npy")
	}
	for _, run := range []string{"train", "val"} {
		if ev, _ := filepath.Glob(filepath.Join(prefix+"mlp", "logs", run, "events.out.tfevents.*")); len(ev) != 1 {
			t.Errorf("no %s TensorBoard events for the MLP", run)
		}
	}
	sm, err := tf.LoadSavedModel(filepath.Join(exportDir, name, "1"), []string{"serve"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer sm.Session.Close()
	sig, ok := sm.Signatures["classify"]
	if !ok {
		t.Fatalf("SavedModel has no classify signature: %v", sm.Signatures)
	}
	if _, ok := sm.Signatures["serving_default"]; !ok {
		t.Fatalf("SavedModel has no serving_default signature")
	}
	x, _ := tf.NewTensor(reshape(testImages))
	out, err := sm.Session.Run(map[tf.Output]*tf.Tensor{sm.Graph.Operation(strings.Split(sig.Inputs["inputs"].Name, ":")[0]).Output(0): x},
		[]tf.Output{sm.Graph.Operation(strings.Split(sig.Outputs["classes"].Name, ":")[0]).Output(0)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range out[0].Value().([]int64) {
		if int(c) != pred[i] {
			t.Fatalf("exported classify gives class %d for test row %d, y_pred %d", c, i, pred[i])
		}
	}
}

func reshape(m *dataset.Matrix[float32]) [][]float32 {
	out := make([][]float32, m.Rows)
	for i := range out {
		out[i] = m.Row(i)
	}
	return out
}

// TestRBMMNISTEndToEnd runs bm rbm-mnist on a small MNIST-format folder with the original's
// flag spellings, checks every artefact, and runs it again: the RBM stage is then reused.
func TestRBMMNISTEndToEnd(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	testLabels := writeLabeledMNIST(t, filepath.Join(data, "mnist"), 300, 80)
	md, prefix, sm := filepath.Join(dir, "models", "rbm")+"/", filepath.Join(dir, "out", "rbm_"), filepath.Join(dir, "sm")
	args := []string{"rbm-mnist", "--data-path", data, "--n-train", "250", "--n-val", "50", "--n-hidden", "16",
		"--epochs", "2", "--batch-size", "10", "--lr", "0.05", "--vb-init", "--n-gibbs-steps", "1", "--model-dirpath", md,
		"--mlp-epochs", "4", "--mlp-lrm", "0.1", "1.", "--mlp-batch-size", "32", "--mlp-save-prefix", prefix, "--export-dir", sm, "--quiet"}
	var code int
	stderr := captureStderr(t, func() { code = run(args) })
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	for _, f := range []string{"model/model.json", "filters.png", "samples.png", "logs"} {
		if _, err := os.Stat(filepath.Join(md, f)); err != nil {
			t.Errorf("RBM stage: %v", err)
		}
	}
	if !strings.Contains(stderr, "test accuracy") {
		t.Errorf("no test accuracy printed:\n%s", stderr)
	}
	im, _, err := dataset.LoadMNIST(filepath.Join(data, "mnist"), false)
	if err != nil {
		t.Fatal(err)
	}
	checkFineTuneArtefacts(t, prefix, sm, "rbm_mlp", []string{"W_finetuned"}, testLabels, dataset.ToMatrix[float32](im), dataset.ToMatrix[float32](im))

	// Again with --mlp-no-init and another prefix: the RBM is not retrained. With weight
	// averaging and a max-norm cap, both reported.
	args = []string{"rbm-mnist", "--data-path", data, "--n-train", "250", "--n-val", "50", "--n-hidden", "16", "--epochs", "2",
		"--model-dirpath", md, "--mlp-epochs", "2", "--mlp-no-init", "--mlp-lrm", "1.", "--mlp-save-prefix", prefix + "no_init_", "--export-dir", "", "--quiet",
		"--mlp-average-from", "1", "--mlp-max-norm", "3"}
	stderr = captureStderr(t, func() { code = run(args) })
	if code != 0 {
		t.Fatalf("second run: exit %d:\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "using the trained model") {
		t.Errorf("second run did not reuse the RBM:\n%s", stderr)
	}
	if !strings.Contains(stderr, "the weights averaged over epochs 1–2") || !strings.Contains(stderr, "the last epoch's weights: test error") {
		t.Errorf("second run: the averaged weights and the last epoch's error not reported:\n%s", stderr)
	}
	if _, err := os.Stat(prefix + "no_init_y_pred.npy"); err != nil {
		t.Error(err)
	}
}

// TestDBMMNISTEndToEnd runs bm dbm-mnist with the original's triple flags on a small folder.
func TestDBMMNISTEndToEnd(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	testLabels := writeLabeledMNIST(t, filepath.Join(data, "mnist"), 300, 60)
	prefix, sm := filepath.Join(dir, "out", "dbm_"), filepath.Join(dir, "sm")
	args := []string{"dbm-mnist", "--data-path", data, "--n-train", "250", "--n-val", "50", "--n-hiddens", "12", "16",
		"--epochs", "2", "2", "2", "--batch-size", "25", "--n-particles", "20", "--max-mf-updates", "5",
		"--rbm1-dirpath", filepath.Join(dir, "m", "rbm1"), "--rbm2-dirpath", filepath.Join(dir, "m", "rbm2"), "--dbm-dirpath", filepath.Join(dir, "m", "dbm"),
		"--ais-betas", "100", "--ais-runs", "4", "--mlp-epochs", "3", "--mlp-save-prefix", prefix, "--export-dir", sm, "--quiet"}
	var code int
	stderr := captureStderr(t, func() { code = run(args) })
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	for _, f := range []string{"rbm1/model/model.json", "rbm2/model/model.json", "dbm/model/model.json", "dbm/results.json", "dbm/samples.png", "dbm/logs"} {
		if _, err := os.Stat(filepath.Join(dir, "m", f)); err != nil {
			t.Errorf("%v", err)
		}
	}
	for _, want := range []string{"log Z ≈", "lower bound", "test accuracy"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("%q not printed:\n%s", want, stderr)
		}
	}
	im, _, err := dataset.LoadMNIST(filepath.Join(data, "mnist"), false)
	if err != nil {
		t.Fatal(err)
	}
	checkFineTuneArtefacts(t, prefix, sm, "dbm_mlp", []string{"W1_finetuned", "W2_finetuned"}, testLabels, dataset.ToMatrix[float32](im), dataset.ToMatrix[float32](im))
	// The DBM resumes with its saved configuration: a DBM training flag given with another value
	// is an error naming the flag as the original spells it (the RBMs' values may repeat theirs).
	for _, bad := range [][]string{{"--l2", "1e-3", "2e-4", "0.5"}, {"--momentum-rule", "original"}, {"--n-particles", "10"}} {
		stderr := captureStderr(t, func() { code = run(append(slices.Clone(args), bad...)) })
		if code != 2 || !strings.Contains(stderr, "flag "+bad[0]+":") || !strings.Contains(stderr, "--dbm-dirpath") {
			t.Errorf("resuming the DBM with %v: exit %d, want 2 naming %s:\n%s", bad, code, bad[0], stderr)
		}
	}
	// --mlp-augment fine-tunes on [x, q(h2|x)]: its first kernel is (pixels+16)×12, its SavedModel
	// takes the images and computes q(h2|x) inside, and --ais-betas 0 keeps the earlier AIS
	// results of this DBM.
	augPrefix := prefix + "aug_"
	aug := slices.Clone(args)
	for i, a := range aug {
		switch {
		case a == prefix:
			aug[i] = augPrefix
		case a == "100" && aug[i-1] == "--ais-betas":
			aug[i] = "0"
		}
	}
	aug = append(aug, "--mlp-augment")
	stderr = captureStderr(t, func() { code = run(aug) })
	if code != 0 || !strings.Contains(stderr, "mlp-augment: inputs are the images and the DBM's mean-field") {
		t.Fatalf("--mlp-augment: exit %d:\n%s", code, stderr)
	}
	if w, err := dataset.ReadNPY[float32](augPrefix + "W1_finetuned.npy"); err != nil || w.Rows != dataset.ToMatrix[float32](im).Cols+16 || w.Cols != 12 {
		t.Errorf("--mlp-augment W1_finetuned: %v, want (pixels+16)×12", err)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "m", "dbm", "results.json")); err != nil || !strings.Contains(string(b), "log_z") {
		t.Errorf("results.json after a rerun with --ais-betas 0: %s (%v), want the earlier log_z kept", b, err)
	}
	m, err := dbm.Load(filepath.Join(dir, "m", "dbm", "model"))
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	q, err := m.Transform(dataset.ToMatrix[float32](im))
	if err != nil {
		t.Fatal(err)
	}
	checkFineTuneArtefacts(t, augPrefix, sm, "dbm_aug_mlp", []string{"W1_finetuned", "W2_finetuned"}, testLabels,
		dataset.ToMatrix[float32](im), pipeline.AppendCols(dataset.ToMatrix[float32](im), q))
	stderr = captureStderr(t, func() { code = run(append(slices.Clone(aug), "--mlp-no-init")) })
	if code != 2 || !strings.Contains(stderr, "--mlp-augment") {
		t.Errorf("--mlp-augment with --mlp-no-init: exit %d, want 2 naming --mlp-augment:\n%s", code, stderr)
	}
}

// TestOriginalFlagDefaults checks the defaults of the original programs' flags (spec §6.1,
// §6.2) and the forms the original's documented command lines use.
func TestOriginalFlagDefaults(t *testing.T) {
	var r rbmMNISTArgs
	if err := r.parser().Parse(nil); err != nil {
		t.Fatal(err)
	}
	if r.nTrain != 55000 || r.nVal != 5000 || r.nHidden != 1024 || r.wInit != 0.01 || !r.vbInit || r.hbInit != 0 ||
		!reflect.DeepEqual(r.k, []int{1}) || r.epochs != 120 || r.batch != 10 || r.l2 != 1e-5 || r.sampleV ||
		r.dropout != 1 || r.spTarget != 0.1 || r.spCost != 1e-5 || r.spDamping != 0.9 || r.seed != 1337 || r.dtype != "float32" ||
		r.mlp.noInit || r.mlp.l2 != 1e-5 || !reflect.DeepEqual(r.mlp.lrm, []float64{0.1, 1}) || r.mlp.epochs != 100 ||
		r.mlp.valMetric != "val_acc" || r.mlp.batch != 128 || r.mlp.dropout != 0 || r.mlp.savePrefix != "data/rbm_" || r.momentumRule != "classical" ||
		r.mlp.inDropout != -1 || r.mlp.patience != 12 || r.mlp.plateau != 6 ||
		!reflect.DeepEqual(r.lr, []float64{0.01}) {
		t.Errorf("rbm-mnist defaults: %+v", r)
	}
	var d dbmMNISTArgs
	if err := d.parser().Parse(nil); err != nil {
		t.Fatal(err)
	}
	if d.nTrain != 59000 || d.nVal != 1000 || d.every != 20 || !reflect.DeepEqual(d.hiddens, []int{512, 1024}) ||
		!reflect.DeepEqual(d.k, []int{1, 1, 1}) || !reflect.DeepEqual(d.epochs, []int{64, 120, 500}) ||
		!reflect.DeepEqual(d.batch, []int{48, 48, 100}) || !reflect.DeepEqual(d.l2, []float64{1e-3, 2e-4, 1e-7}) ||
		!reflect.DeepEqual(d.seeds, []int{1337, 1111, 2222}) || d.particles != 100 || d.mfUpdates != 50 || d.mfTol != 1e-5 || // ours; --as-original: the original's 1e-7
		d.maxNorm != 6 || !reflect.DeepEqual(d.spTarget, []float64{0.2, 0.1}) || !reflect.DeepEqual(d.spCost, []float64{1e-4, 5e-5}) ||
		d.spDamping != 0.9 || !reflect.DeepEqual(d.mlp.lrm, []float64{0.01, 0.1, 1}) || d.mlp.savePrefix != "data/dbm_" ||
		!reflect.DeepEqual(d.lr, []float64{0.01, 0.002, 2e-3}) {
		t.Errorf("dbm-mnist defaults: %+v", d)
	}
	for _, tc := range []struct {
		args string
		tol  float64
	}{{"--as-original", 1e-7}, {"--as-original --mf-tol 1e-3", 1e-3}, {"--momentum-rule original", 1e-5}} {
		var o dbmMNISTArgs
		p := o.parser()
		if err := p.Parse(strings.Fields(tc.args)); err != nil {
			t.Fatal(err)
		}
		if o.originalDefaults(p.Changed); o.mfTol != tc.tol || o.momentumRule != optim.Original || o.lr[0] != 0.05 {
			t.Errorf("dbm-mnist %s: --mf-tol %g, momentum rule %s, --lr %v; want %g, the original's rule and rates", tc.args, o.mfTol, o.momentumRule, o.lr, tc.tol)
		}
	}
	var f dbmFlags
	if fs := f.flagSet(); fs.Parse([]string{"-as-original"}) != nil || f.mfTol != 1e-5 {
		t.Fatalf("bm dbm -mf-tol default %g, want 1e-5", f.mfTol)
	}
	if f.asOriginal(); f.mfTol != 1e-7 {
		t.Errorf("bm dbm -as-original: -mf-tol %g, want the original's 1e-7", f.mfTol)
	}
	// The original's documented command lines (docs/rbm_discriminative.md, docs/dbm_discriminative.md).
	r = rbmMNISTArgs{}
	if err := r.parser().Parse(strings.Fields("--mlp-batch-size 32 --mlp-val-metric val_loss --mlp-epochs 1000 --n-train 90 --n-val 10 --mlp-lrm 0.01 1. --mlp-save-prefix ../data/rbm_90_10_")); err != nil {
		t.Fatal(err)
	}
	if r.mlp.batch != 32 || r.mlp.valMetric != "val_loss" || r.mlp.epochs != 1000 || r.nTrain != 90 || r.nVal != 10 ||
		!reflect.DeepEqual(r.mlp.lrm, []float64{0.01, 1}) || r.mlp.savePrefix != "../data/rbm_90_10_" {
		t.Errorf("documented command line parsed as %+v", r)
	}
	r = rbmMNISTArgs{}
	if err := r.parser().Parse(strings.Fields("--vb-init --lr 0.05 0.01 --n-gibbs-steps 1 2 --mlp-no-init --random-seed 7")); err != nil {
		t.Fatal(err)
	}
	if r.vbInit || !reflect.DeepEqual(r.lr, []float64{0.05, 0.01}) || !reflect.DeepEqual(r.k, []int{1, 2}) || !r.mlp.noInit || r.seed != 7 {
		t.Errorf("bare --vb-init and lists parsed as %+v", r)
	}
	d = dbmMNISTArgs{}
	if err := d.parser().Parse(strings.Fields("--epochs 64 120 500 --n-hiddens 512 1024 --lr 0.05 0.01 2e-3 --mlp-no-init --mlp-lrm 1.")); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(d.epochs, []int{64, 120, 500}) || !reflect.DeepEqual(d.lr, []float64{0.05, 0.01, 2e-3}) || !reflect.DeepEqual(d.mlp.lrm, []float64{1}) {
		t.Errorf("dbm command line parsed as %+v", d)
	}
}

// TestOriginalFlagErrors checks that bad values exit with status 2 and name the flag.
func TestOriginalFlagErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		flag string
	}{
		{[]string{"rbm-mnist", "--lr", "fast"}, "--lr"},
		{[]string{"rbm-mnist", "--lr", "-0.1"}, "--lr"},
		{[]string{"rbm-mnist", "--epochs", "0"}, "--epochs"},
		{[]string{"rbm-mnist", "--n-train", "1.5"}, "--n-train"},
		{[]string{"rbm-mnist", "--mlp-val-metric", "acc"}, "--mlp-val-metric"},
		{[]string{"rbm-mnist", "--mlp-lrm", "0.1", "1", "2"}, "--mlp-lrm"},
		{[]string{"rbm-mnist", "--mlp-no-init=yes"}, "--mlp-no-init"},
		{[]string{"rbm-mnist", "--dtype", "float16"}, "--dtype"},
		{[]string{"rbm-mnist", "--mlp-dropout", "1"}, "--mlp-dropout"},
		{[]string{"dbm-mnist", "--mlp-input-dropout", "-0.5"}, "--mlp-input-dropout"},
		{[]string{"dbm-mnist", "--mlp-input-dropout", "1"}, "--mlp-input-dropout"},
		{[]string{"rbm-mnist", "--mlp-patience", "-1"}, "--mlp-patience"},
		{[]string{"dbm-mnist", "--cluster-timeout", "soon"}, "--cluster-timeout"},
		{[]string{"rbm-mnist", "--cluster-timeout", "-5m"}, "--cluster-timeout"},
		{[]string{"dbm-mnist", "--mlp-plateau-patience", "x"}, "--mlp-plateau-patience"},
		{[]string{"rbm-mnist", "--momentum-rule", "nesterov"}, "--momentum-rule"},
		{[]string{"rbm-mnist", "--bogus"}, "--bogus"},
		{[]string{"dbm-mnist", "--epochs", "1", "2"}, "--epochs"},
		{[]string{"dbm-mnist", "--n-hiddens", "10", "20", "30"}, "--n-hiddens"},
		{[]string{"dbm-mnist", "--lr"}, "--lr"},
		{[]string{"dbm-mnist", "--sparsity-cost", "1", "2", "3"}, "--sparsity-cost"},
		{[]string{"dbm-mnist", "--batch-size", "0"}, "--batch-size"},
		{[]string{"few-label", "-rows", "5k", "-model", "nowhere"}, ""},
		{[]string{"dbm-mnist", "--n-hiddens", "500"}, "--n-hiddens"},
		{[]string{"rbm-mnist", "--n-val", "-5", "--data-path", "nowhere"}, "--n-val"},
		{[]string{"dbm-mnist", "--n-val", "-5"}, "--n-val"},
		{[]string{"rbm-mnist", "--cluster", "worker"}, "--cluster"},
		{[]string{"dbm-mnist", "--target", "localhost:2222"}, "--target"},
		{[]string{"dbm-mnist", "--cluster", "worker=localhost:1", "--gpu", "0"}, "--gpu"},
	} {
		var code int
		stderr := captureStderr(t, func() { code = run(tc.args) })
		want := 2
		if tc.flag == "" {
			want = 1 // a missing model is not a usage error
		}
		named := strings.Contains(stderr, "argument "+tc.flag+":") || strings.Contains(stderr, "unrecognized arguments: "+tc.flag) ||
			strings.Contains(stderr, "flag "+tc.flag)
		if code != want || (tc.flag != "" && !named) {
			t.Errorf("%v: exit %d, want %d naming %s:\n%s", tc.args, code, want, tc.flag, stderr)
		}
	}
}

// TestIncreasingK checks the upper RBMs' schedules: k from its start, the rate divided by the
// block number (not by k), and an epoch past the last full block keeping its values (the
// original's arange(k0, k0 + epochs//every): dbm_cifar.py's M-RBM, 33 epochs in blocks of 16).
func TestIncreasingK(t *testing.T) {
	ks, lrs := pipeline.IncreasingK(2, 0.75, 5, 2)
	if !reflect.DeepEqual(ks, []int{2, 2, 3, 3, 3}) || !reflect.DeepEqual(lrs, []float64{0.75, 0.75, 0.375, 0.375, 0.375}) {
		t.Errorf("k %v, lr %v", ks, lrs)
	}
	ks, lrs = pipeline.IncreasingK(1, 5e-5, 33, 16)
	if ks[15] != 1 || ks[16] != 2 || ks[32] != 2 || lrs[32] != 2.5e-5 {
		t.Errorf("dbm_cifar's M-RBM: k %v, lr %v; want k 1 for epochs 1–16, 2 for 17–33", ks, lrs)
	}
	if ks, _ := pipeline.IncreasingK(1, 1, 3, 5); !reflect.DeepEqual(ks, []int{1, 1, 1}) {
		t.Errorf("fewer epochs than a block: k %v, want 1 1 1", ks)
	}
}
