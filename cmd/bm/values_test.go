package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tf "github.com/galeone/tensorflow/tensorflow/go"

	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/mlp"
	"github.com/boltzmann-go/boltzmann/pipeline"
)

// Issue 29, point 3: values that would exhaust the machine are refused, naming the row or the
// flags and, for sizes, how much memory they would need.

// TestClassifyHugeLabel: one training label of 1,000,000 (or a test label that is no class of
// the training labels) is an error naming the labels file and the row, for every classifier,
// instead of an out-of-memory crash.
func TestClassifyHugeLabel(t *testing.T) {
	dir := t.TempDir()
	x := dataset.NewMatrix[float32](20, 3)
	for i := range x.Data {
		x.Data[i] = float32((i*7)%5) / 4
	}
	y := make([]int, 20)
	for i := range y {
		y[i] = i % 2
	}
	write := func(name string, labels []int) string {
		path := filepath.Join(dir, name)
		if err := dataset.WriteNPYLabels(path, labels); err != nil {
			t.Fatal(err)
		}
		return path
	}
	feats := filepath.Join(dir, "x.npy")
	if err := dataset.WriteNPY(feats, x); err != nil {
		t.Fatal(err)
	}
	huge := append([]int(nil), y...)
	huge[7] = 1_000_000
	stray := append([]int(nil), y...)
	stray[5] = 12
	good, bad, badTest := write("y.npy", y), write("huge.npy", huge), write("stray.npy", stray)
	for _, tc := range []struct{ train, test, row string }{{bad, good, "row 7"}, {good, badTest, "row 5"}} {
		for _, c := range []string{"knn", "logreg", "svm", "svm-rff"} {
			var code int
			stderr := captureStderr(t, func() {
				code = run([]string{"classify", "-features", feats, "-labels", tc.train, "-test-features", feats, "-test-labels", tc.test,
					"-classifier", c, "-out", filepath.Join(dir, "out"), "-quiet"})
			})
			file := filepath.Base(tc.train)
			if tc.train == good {
				file = filepath.Base(tc.test)
			}
			if code != 1 || !strings.Contains(stderr, tc.row) || !strings.Contains(stderr, file) {
				t.Errorf("bm classify -classifier %s with a bad label in %s: exit %d, want 1 naming %s and %s:\n%s", c, file, code, file, tc.row, stderr)
			}
		}
	}
}

// TestFineTuneHugeLabel: fine-tuning refuses a label outside MNIST's and CIFAR-10's ten classes
// with its set and row, instead of sizing the output layer by it.
func TestFineTuneHugeLabel(t *testing.T) {
	rows := func(n int) *dataset.Matrix[float32] {
		m := dataset.NewMatrix[float32](n, 3)
		for i := range m.Data {
			m.Data[i] = float32(i%3) / 2
		}
		return m
	}
	d := &pipeline.Labeled{Train: rows(8), Val: rows(4), Test: rows(4), YTrain: []int{0, 1, 2, 1_000_000, 0, 1, 2, 3}, YVal: []int{0, 1, 2, 3}, YTest: []int{0, 1, 2, 3}}
	ft := &pipeline.FineTune{LRM: []float64{1}, Epochs: 1, BatchSize: 4, Monitor: mlp.ValAcc, DType: tf.Float, OutSeed: 1, InputDropoutAsOthers: true}
	_, err := ft.Run(context.Background(), d, pipeline.Hooks{})
	if err == nil || !strings.Contains(err.Error(), "row 3") || !strings.Contains(err.Error(), "training label 1000000") {
		t.Errorf("fine-tuning with a training label of 1,000,000: %v, want an error naming the training label of row 3", err)
	}
	d.YTrain[3], d.YTest[2] = 3, 10
	_, err = ft.Run(context.Background(), d, pipeline.Hooks{})
	if err == nil || !strings.Contains(err.Error(), "test label 10 of row 2") {
		t.Errorf("fine-tuning with a test label of 10: %v, want an error naming it", err)
	}
}

// TestAISMemoryRefused: bm logz -runs 1e9 -betas 1e9 (and bm dbm's -ais-runs/-ais-betas) is a
// usage error that says how much memory it would need, at once, instead of growing to many
// GiB before TensorFlow fails.
func TestAISMemoryRefused(t *testing.T) {
	if _, ok := pipeline.AvailableMemory(); !ok {
		t.Skip("no /proc/meminfo: the available memory is unknown")
	}
	dir := t.TempDir()
	mnist, out := filepath.Join(dir, "mnist"), filepath.Join(dir, "run")
	writeLabeledMNIST(t, mnist, 100, 20)
	bm(t, "train", "-data", mnist, "-n-train", "80", "-n-val", "20", "-n-hidden", "4", "-epochs", "1", "-metrics", "msre",
		"-samples", "0", "-out", out, "-quiet")
	for _, args := range [][]string{
		{"logz", "-model", out, "-runs", "1000000000", "-betas", "1000000000", "-quiet"},
		{"logz", "-model", out, "-data", mnist, "-method", "both", "-runs", "1000000000", "-betas", "1000000000", "-quiet"},
		{"dbm", "-data", mnist, "-n-train", "80", "-n-val", "20", "-n-hiddens", "6,4", "-rbm-epochs", "1,1", "-epochs", "1",
			"-batch-size", "10", "-n-particles", "10", "-max-mf-updates", "5", "-ais-betas", "1000000000", "-ais-runs", "1000000000",
			"-out", filepath.Join(dir, "dbm"), "-quiet"},
	} {
		var code int
		stderr := captureStderr(t, func() { code = run(args) })
		if code != 2 || !strings.Contains(stderr, "runs") || !strings.Contains(stderr, "iB of memory") {
			t.Errorf("bm %s: exit %d, want 2 saying how much memory it needs:\n%s", strings.Join(args, " "), code, stderr)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "model", "logz.json")); err == nil {
		t.Errorf("a refused bm logz wrote logz.json")
	}
	// Sizes that fit still run.
	bm(t, "logz", "-model", out, "-runs", "4", "-betas", "10", "-quiet")
}
