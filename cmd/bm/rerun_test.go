package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Issue 29, point 5: what a rerun of a finished or killed run leaves behind.

// TestDBMPicturesAfterKill: bm dbm killed after results.json but before samples.png (here:
// samples.png removed) draws the pictures when run again, without recomputing AIS.
func TestDBMPicturesAfterKill(t *testing.T) {
	dir := t.TempDir()
	mnist, out := filepath.Join(dir, "mnist"), filepath.Join(dir, "dbm")
	writeLabeledMNIST(t, mnist, 120, 20)
	args := []string{"dbm", "-data", mnist, "-n-train", "100", "-n-val", "20", "-n-hiddens", "6,4", "-rbm-epochs", "1,1",
		"-epochs", "1", "-batch-size", "10", "-n-particles", "10", "-max-mf-updates", "5", "-ais-betas", "20", "-ais-runs", "4",
		"-out", out, "-quiet"}
	bm(t, args...)
	for _, name := range []string{"samples.png", "filters.png"} {
		if err := os.Remove(filepath.Join(out, name)); err != nil {
			t.Fatal(err)
		}
		var code int
		stderr := captureStderr(t, func() { code = run(args) })
		if code != 0 || !strings.Contains(stderr, "not recomputed") {
			t.Errorf("rerun without %s: exit %d, want 0 with the results kept:\n%s", name, code, stderr)
		}
		if _, err := os.Stat(filepath.Join(out, name)); err != nil {
			t.Errorf("rerun without %s: %v", name, err)
		}
	}
	// Everything there: nothing drawn again.
	before, _ := os.Stat(filepath.Join(out, "samples.png"))
	bm(t, args...)
	if after, _ := os.Stat(filepath.Join(out, "samples.png")); before == nil || after == nil || !after.ModTime().Equal(before.ModTime()) {
		t.Errorf("a complete run's samples.png was drawn again")
	}
}

// TestRBMMNISTRerunKeepsOutputs: a rerun of a finished bm rbm-mnist fine-tunes the same
// classifier and adds no SavedModel version; a confusion.png temporary left by a killed run is
// removed by the next successful one; an RBM stage whose samples.png is missing is not done.
func TestRBMMNISTRerunKeepsOutputs(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	writeLabeledMNIST(t, filepath.Join(data, "mnist"), 120, 20)
	prefix, sm := filepath.Join(dir, "out", "rbm_"), filepath.Join(dir, "sm")
	args := []string{"rbm-mnist", "--data-path", data, "--n-train", "100", "--n-val", "20", "--n-hidden", "4", "--epochs", "1",
		"--model-dirpath", filepath.Join(dir, "models", "rbm") + "/", "--mlp-epochs", "2", "--mlp-save-prefix", prefix, "--export-dir", sm, "--quiet"}
	bm(t, args...)
	// Killed after the RBM's last epoch, before its pictures: the rerun draws them.
	samples := filepath.Join(dir, "models", "rbm", "samples.png")
	if err := os.Remove(samples); err != nil {
		t.Fatal(err)
	}
	stale := filepath.Join(dir, "out", ".rbm_confusion.png.tmp-1234")
	if err := os.WriteFile(stale, []byte("half a png"), 0o644); err != nil {
		t.Fatal(err)
	}
	bm(t, args...)
	entries, err := os.ReadDir(filepath.Join(sm, "rbm_mlp"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if len(names) != 1 || names[0] != "1" {
		t.Errorf("versions after two runs of the same command: %v, want [1]", names)
	}
	if _, err := os.Stat(stale); err == nil {
		t.Errorf("%s survived a successful run", stale)
	}
	if _, err := os.Stat(samples); err != nil {
		t.Errorf("the rerun did not draw the RBM's missing samples.png: %v", err)
	}
	if left, _ := filepath.Glob(filepath.Join(sm, ".bm-export-*")); len(left) > 0 {
		t.Errorf("left behind: %v", left)
	}
}

// TestResumeContinuesEventsFile: a resumed bm train appends to its TensorBoard event files
// instead of starting new ones.
func TestResumeContinuesEventsFile(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "images.idx")
	writeIDX(t, data, 60, 4, 4)
	out := filepath.Join(dir, "out")
	base := []string{"train", "-data", data, "-n-train", "50", "-n-val", "10", "-n-hidden", "4", "-batch-size", "10",
		"-out", out, "-samples", "0", "-filters", "0", "-quiet"}
	for _, epochs := range []string{"1", "2", "3"} {
		bm(t, append(base, "-epochs", epochs)...)
	}
	for _, run := range []string{"train", "val"} {
		files, _ := filepath.Glob(filepath.Join(out, "logs", run, "events.out.tfevents.*"))
		if len(files) != 1 {
			t.Errorf("logs/%s after two resumes: %d event files, want 1: %v", run, len(files), files)
		}
	}
}
