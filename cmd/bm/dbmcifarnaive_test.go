package main

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/pipeline"
)

// writeCIFAR writes a tiny CIFAR-10 binary set into dir/cifar-10-batches-bin: per batch file
// perFile records of a label byte and 3072 pixel bytes (two classes of noisy colour blocks), and
// a test batch of the same size.
func writeCIFAR(t *testing.T, dir string, perFile int) string {
	t.Helper()
	root := filepath.Join(dir, "cifar-10-batches-bin")
	if err := os.MkdirAll(root, 0o755); err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(7, 8))
	for _, name := range []string{"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin", "test_batch.bin"} {
		var b []byte
		for i := 0; i < perFile; i++ {
			label := byte(r.IntN(2))
			b = append(b, label)
			for p := 0; p < 3072; p++ {
				v := 60 + 120*int(label)*(p/1024%2) + r.IntN(60)
				b = append(b, byte(v))
			}
		}
		if err := os.WriteFile(filepath.Join(root, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// TestDBMCIFARNaiveEndToEnd runs bm dbm-cifar-naive on a tiny CIFAR-10 set with the original's
// pipeline shrunk: smoothing (cached), standardization (cached), the Gaussian RBM, the
// multinomial RBM, the G-B-M DBM and the fine-tuned MLP with batch normalization; a second run
// reuses every stage and every cache.
func TestDBMCIFARNaiveEndToEnd(t *testing.T) {
	dir := t.TempDir()
	writeCIFAR(t, dir, 12) // 60 training images, 12 test images
	models := filepath.Join(dir, "models")
	args := []string{"dbm-cifar-naive", "--data-path", dir, "--n-train", "50", "--n-val", "10", "--epochs", "1", "1", "1",
		"--batch-size", "10", "--n-particles", "10", "--grbm-dirpath", filepath.Join(models, "grbm"), "--mrbm-dirpath", filepath.Join(models, "mrbm"),
		"--dbm-dirpath", filepath.Join(models, "dbm"), "--mlp-epochs", "2", "--mlp-batch-size", "10", "--mlp-save-prefix", filepath.Join(dir, "naive_"),
		"--export-dir", filepath.Join(dir, "savedmodels"), "--quiet"}
	if code := run(args); code != 0 {
		t.Fatalf("bm dbm-cifar-naive exited %d", code)
	}
	for _, f := range []string{"X_s.npy", "X_s_mean.npy", "X_s_std.npy", "models/grbm/model/model.json", "models/mrbm/model/model.json",
		"models/dbm/model/model.json", "models/dbm/filters.png", "naive_y_pred.npy", "naive_y_test.npy", "naive_W_finetuned.npy", "naive_mlp/model/model.json"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("missing %s: %v", f, err)
		}
	}
	xs, err := dataset.ReadNPY[float32](filepath.Join(dir, "X_s.npy"))
	if err != nil || xs.Rows != 50 || xs.Cols != 3072 {
		t.Errorf("X_s.npy: %v, %v", xs, err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "naive_mlp", "model", "model.json"))
	if err != nil || !strings.Contains(string(b), `"BatchNorm": true`) || !strings.Contains(string(b), `"Activation": "relu"`) {
		t.Errorf("fine-tuned MLP model.json: want batch normalization and ReLU: %s", b)
	}
	// Issue 29, point 1: the standardization is applied once on every path. The exported
	// classifier takes raw test images and gives y_pred (computed on the test images
	// standardized once); bm transform of the Gaussian RBM on raw test images gives its own
	// SavedModel's features.
	raw, _, err := pipeline.ReadLabeledSet(filepath.Join(dir, "cifar-10-batches-bin"), true)
	if err != nil {
		t.Fatal(err)
	}
	exports, _ := filepath.Glob(filepath.Join(dir, "savedmodels", "*", "1"))
	if len(exports) != 1 {
		t.Fatalf("exports: %v", exports)
	}
	pred, err := dataset.ReadNPYLabels(filepath.Join(dir, "naive_y_pred.npy"))
	if err != nil {
		t.Fatal(err)
	}
	probs := serveInputs(t, exports[0], "serving_default", "inputs", raw)["probabilities"]
	for i, y := range pred {
		row := probs[i*len(probs)/raw.Rows : (i+1)*len(probs)/raw.Rows]
		best := 0
		for c, p := range row {
			if p > row[best] {
				best = c
			}
		}
		if best != y {
			t.Errorf("the exported classifier on raw test image %d: class %d, y_pred %d", i, best, y)
		}
	}
	bm(t, "export", "-model", filepath.Join(models, "grbm", "model"), "-base", filepath.Join(dir, "sm"), "-name", "grbm")
	want := serve(t, filepath.Join(dir, "sm", "grbm", "1"), "serving_default", "features", raw)
	f := filepath.Join(dir, "q.npy")
	bm(t, "transform", "-model", filepath.Join(models, "grbm"), "-data", filepath.Join(dir, "cifar-10-batches-bin"), "-test", "-out", f, "-quiet")
	got, err := dataset.ReadNPY[float32](f)
	if err != nil {
		t.Fatal(err)
	}
	near(t, "bm transform of the CIFAR Gaussian RBM", got.Data, want, 1e-4)

	var code int
	msg := captureStderr(t, func() { code = run(args) })
	if code != 0 || !strings.Contains(msg, "reusing") || !strings.Contains(msg, "resuming the DBM") || strings.Contains(msg, "RBM 1 (3072→5000) epoch") {
		t.Errorf("second run: exit %d, want every stage and cache reused:\n%s", code, msg)
	}
	for _, bad := range [][]string{{"--lr", "1", "2", "3", "4"}, {"--mlp-lrm", "1", "2", "3"}, {"--n-train", "0"}} {
		var code int
		msg := captureStderr(t, func() { code = run(append([]string{"dbm-cifar-naive", "--data-path", dir}, bad...)) })
		if code != 2 || !strings.Contains(msg, bad[0]) {
			t.Errorf("%v: exit %d, %q; want 2 naming %s", bad, code, msg, bad[0])
		}
	}
	if code := run([]string{"dbm-cifar-naive", "--data-path", filepath.Join(dir, "nowhere")}); code != 1 {
		t.Errorf("missing CIFAR folder: exit %d, want 1", code)
	}
}
