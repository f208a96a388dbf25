package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/boltzmann-go/boltzmann/dataset"
)

// Issue 29, point 2: a data file that cannot be read is an error naming it, never a quiet
// substitute (another set) or a result quietly left out.

// corrupt truncates the file at path to its first 20 bytes (an IDX header cut short).
func corrupt(t *testing.T, path string) {
	t.Helper()
	if err := os.Truncate(path, 20); err != nil {
		t.Fatal(err)
	}
}

// TestLogZCorruptTestSet: bm logz -data on an MNIST folder whose test images or labels are
// broken fails naming the file, instead of estimating the bound on the training images.
func TestLogZCorruptTestSet(t *testing.T) {
	dir := t.TempDir()
	mnist, out := filepath.Join(dir, "mnist"), filepath.Join(dir, "run")
	writeLabeledMNIST(t, mnist, 100, 20)
	bm(t, "train", "-data", mnist, "-n-train", "80", "-n-val", "20", "-n-hidden", "4", "-epochs", "1", "-metrics", "msre",
		"-samples", "0", "-out", out, "-quiet")
	logz := []string{"logz", "-model", out, "-data", mnist, "-betas", "10", "-runs", "4", "-quiet"}
	bm(t, logz...) // the intact folder: its test set
	for _, name := range []string{dataset.MNISTTestImages, dataset.MNISTTestLabels} {
		t.Run(name, func(t *testing.T) {
			broken := filepath.Join(dir, "broken-"+name)
			writeLabeledMNIST(t, broken, 100, 20)
			corrupt(t, filepath.Join(broken, name))
			if err := os.Remove(filepath.Join(out, "model", "logz.json")); err != nil && !os.IsNotExist(err) {
				t.Fatal(err)
			}
			var code int
			args := append([]string(nil), logz...)
			args[4] = broken
			stderr := captureStderr(t, func() { code = run(args) })
			if code != 1 || !strings.Contains(stderr, name) {
				t.Errorf("bm logz -data with a broken %s: exit %d, want 1 naming the file:\n%s", name, code, stderr)
			}
			if _, err := os.Stat(filepath.Join(out, "model", "logz.json")); err == nil {
				t.Errorf("bm logz -data with a broken %s wrote logz.json", name)
			}
		})
	}
}

// TestDBMCorruptTestSet: bm dbm on an MNIST folder reports the test lower bound; with a broken
// t10k file it fails naming the file instead of leaving the bound out of results.json.
func TestDBMCorruptTestSet(t *testing.T) {
	dir := t.TempDir()
	mnist, out := filepath.Join(dir, "mnist"), filepath.Join(dir, "dbm")
	writeLabeledMNIST(t, mnist, 120, 20)
	args := []string{"dbm", "-data", mnist, "-n-train", "100", "-n-val", "20", "-n-hiddens", "6,4", "-rbm-epochs", "1,1",
		"-epochs", "1", "-batch-size", "10", "-n-particles", "10", "-max-mf-updates", "5", "-ais-betas", "20", "-ais-runs", "4",
		"-out", out, "-quiet"}
	bm(t, args...)
	b, err := os.ReadFile(filepath.Join(out, "results.json"))
	if err != nil {
		t.Fatal(err)
	}
	var res map[string]any
	if err := json.Unmarshal(b, &res); err != nil || res["test_lower_bound"] == nil || res["test_lower_bound_binarized"] == nil {
		t.Fatalf("results.json of an intact MNIST folder: %s (%v), want both test bounds", b, err)
	}
	if err := os.Remove(filepath.Join(out, "results.json")); err != nil {
		t.Fatal(err)
	}
	corrupt(t, filepath.Join(mnist, dataset.MNISTTestImages))
	var code int
	stderr := captureStderr(t, func() { code = run(args) })
	if code != 1 || !strings.Contains(stderr, dataset.MNISTTestImages) {
		t.Errorf("bm dbm with a broken %s: exit %d, want 1 naming the file:\n%s", dataset.MNISTTestImages, code, stderr)
	}
	if _, err := os.Stat(filepath.Join(out, "results.json")); err == nil {
		t.Errorf("bm dbm with a broken test file wrote results.json")
	}
}
