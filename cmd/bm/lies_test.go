package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/boltzmann-go/boltzmann/tfops"
)

// Issue 29, point 6: flags and model folders that lie.

// TestFlagsThatLie: a stray word, a GPU that does not exist, a negative seed, fine-tuning
// flags with --no-mlp, -model beside -features, and per-epoch lists longer than the epochs are
// refused with exit 2 naming the flag, before any data is read.
func TestFlagsThatLie(t *testing.T) {
	dir := t.TempDir()
	nowhere := filepath.Join(dir, "nowhere") // never read: every case is refused before
	for _, c := range []struct {
		want string
		args []string
	}{
		{`unexpected argument "extra"`, []string{"sample", "-model", nowhere, "extra", "-steps", "2"}},
		{"-gpu", []string{"train", "-data", nowhere, "-gpu", "99"}},
		{"-gpu", []string{"dbm", "-data", nowhere, "-gpu", "99"}},
		{"-gpu", []string{"sample", "-model", nowhere, "-gpu", "99"}},
		{"-gpu", []string{"export", "-model", nowhere, "-gpu", "99"}},
		{"--gpu", []string{"rbm-mnist", "--data-path", nowhere, "--gpu", "99"}},
		{"--random-seed", []string{"rbm-mnist", "--data-path", nowhere, "--random-seed", "-1"}},
		{"--random-seed", []string{"dbm-mnist", "--data-path", nowhere, "--random-seed", "1", "-1", "2"}},
		{"--random-seed", []string{"dbm-cifar-naive", "--data-path", nowhere, "--random-seed", "-1"}},
		{"--small-random-seed", []string{"dbm-cifar", "--data-path", nowhere, "--small-random-seed", "-1"}},
		{"--mlp-epochs", []string{"rbm-mnist", "--data-path", nowhere, "--no-mlp", "--mlp-epochs", "5"}},
		{"--export-dir", []string{"dbm-mnist", "--data-path", nowhere, "--no-mlp", "--export-dir", dir}},
		{"--mlp-lrm", []string{"dbm-cifar-naive", "--data-path", nowhere, "--mlp-lrm", "1", "--no-mlp"}},
		{"-model", []string{"classify", "-model", nowhere, "-features", "a.npy", "-labels", "b.npy", "-test-features", "c.npy", "-test-labels", "d.npy"}},
		{"--lr", []string{"rbm-mnist", "--data-path", nowhere, "--epochs", "2", "--lr", "0.1", "0.05", "0.01"}},
		{"--n-gibbs-steps", []string{"rbm-mnist", "--data-path", nowhere, "--epochs", "2", "--n-gibbs-steps", "1", "2", "3"}},
	} {
		exitWith(t, 2, c.want, c.args...)
	}
	// With no GPU visible (the CPU-only libtensorflow of the tests), GPU 0 does not exist either.
	if n, err := tfops.VisibleGPUs(); err == nil && n == 0 {
		exitWith(t, 2, "-gpu", "train", "-data", nowhere, "-gpu", "0")
	}
	// The lists that fit are accepted (refused later, for the missing data, with exit 1).
	exitWith(t, 1, "nowhere", "rbm-mnist", "--data-path", nowhere, "--epochs", "2", "--lr", "0.1", "0.05", "--random-seed", "0", "--no-mlp", "--quiet")
}

// TestModelJSONEdits: a model.json edited by hand (its epoch, update count, kind or visible
// units, whether or not the edit contradicts anything else in the folder) is refused with exit 2 by every command that loads it, naming model.json, instead of being used
// as if it were true; an intact folder is accepted (bm info included).
func TestModelJSONEdits(t *testing.T) {
	_, run := tinyRun(t)
	for _, c := range []struct {
		name, want string
		edit       func(j map[string]any)
	}{
		{"epoch", "epoch 7", func(j map[string]any) { j["epoch"] = 7 }},
		{"updates", "updates is", func(j map[string]any) { j["updates"] = j["updates"].(float64) + 1 }},
		{"kind", `says kind "dbm" but describes a model of kind "rbm"`, func(j map[string]any) { j["kind"] = "dbm" }},
		// The pseudo-likelihood metric (bm train's default; tinyRun trains without it) is what
		// gives a Bernoulli RBM's visible type away: without it, the edit goes unnoticed (the
		// checkpoint has the same tensors for both types).
		{"visible", "gaussian visible", func(j map[string]any) {
			j["visible"] = map[string]any{"type": "gaussian", "sigma": []float64{1}}
			j["config"].(map[string]any)["Metrics"].(map[string]any)["PLL"] = true
		}},
		// Without the metric the description holds together, and matches the checkpoint's
		// tensors: the digest saved with the checkpoint gives the edit away.
		{"visible without PLL", "changed after the model was saved", func(j map[string]any) {
			j["visible"] = map[string]any{"type": "gaussian", "sigma": []float64{1}}
		}},
		{"epoch lowered", "changed after the model was saved", func(j map[string]any) { j["epoch"] = 0 }},
		{"NumVisible", "checkpoint", func(j map[string]any) { j["config"].(map[string]any)["NumVisible"] = 65 }},
		{"dtype", "checkpoint", func(j map[string]any) { j["dtype"] = "float64" }},
	} {
		t.Run(c.name, func(t *testing.T) {
			edited := filepath.Join(t.TempDir(), "run")
			if err := os.CopyFS(edited, os.DirFS(run)); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(edited, "model", "model.json")
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			var j map[string]any
			if err := json.Unmarshal(b, &j); err != nil {
				t.Fatal(err)
			}
			c.edit(j)
			if b, err = json.Marshal(j); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, b, 0o644); err != nil {
				t.Fatal(err)
			}
			model := filepath.Join(edited, "model")
			out := t.TempDir()
			exitWith(t, 2, c.want, "info", "-model", edited)
			exitWith(t, 2, c.want, "export", "-model", model, "-base", out, "-name", "m")
			exitWith(t, 2, c.want, "sample", "-model", model, "-chains", "2", "-steps", "2", "-image-shape", "8,8,1", "-out", filepath.Join(out, "s.png"))
			exitWith(t, 2, c.want, "transform", "-model", edited, "-data", filepath.Join(filepath.Dir(run), "mnist"), "-out", filepath.Join(out, "f.npy"), "-quiet")
		})
	}
	exitWith(t, 0, "", "info", "-model", run)
}
