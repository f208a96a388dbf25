package main

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestKilledAtAnyMoment runs two pipelines — bm dbm (two RBMs, the DBM, AIS, pictures) and the
// original's dbm-mnist (the same, then fine-tuning and the SavedModel export) — in a child
// process, kills each with SIGKILL at six moments spread over an uninterrupted run's duration,
// runs the same command again to the end, and requires every output of every stage to be
// present and equal to the uninterrupted run's: the weights, velocities, particles and counters
// of each model's checkpoint, results.json, history and pictures. Only what records time or a
// checkpoint's unique name may differ (commands.txt, the TensorBoard events, the checkpoint
// file names in model.json and results.json, and their digests).
func TestKilledAtAnyMoment(t *testing.T) {
	if testing.Short() {
		t.Skip("runs two pipelines thirteen times each")
	}
	dir := t.TempDir()
	idx := filepath.Join(dir, "images.idx")
	writeIDX(t, idx, 120, 4, 4)
	data := filepath.Join(dir, "data")
	writeLabeledMNIST(t, filepath.Join(data, "mnist"), 300, 60)
	for _, p := range []struct {
		name   string
		args   func(out string) []string
		stages []string // outputs whose presence tells how far a killed run got
	}{
		{"dbm", func(out string) []string {
			return []string{"dbm", "-data", idx, "-n-train", "100", "-n-val", "20", "-n-hiddens", "6,4",
				"-rbm-epochs", "4,4", "-rbm-batch-size", "10,10", "-increase-n-gibbs-steps-every", "2", "-epochs", "6",
				"-batch-size", "10", "-n-particles", "10", "-max-mf-updates", "5", "-ais-betas", "200", "-ais-runs", "10",
				"-threads", "1", "-out", out, "-quiet"}
		}, []string{"rbm1/model/model.json", "rbm2/model/model.json", "dbm/model/model.json", "results.json", "samples.png"}},
		// The original's DBM program: pretraining, the DBM, AIS, fine-tuning and the export.
		{"dbm-mnist", func(out string) []string {
			return []string{"dbm-mnist", "--data-path", data, "--n-train", "250", "--n-val", "50", "--n-hiddens", "12", "16",
				"--epochs", "3", "3", "3", "--batch-size", "25", "--n-particles", "20", "--max-mf-updates", "5",
				"--rbm1-dirpath", filepath.Join(out, "rbm1"), "--rbm2-dirpath", filepath.Join(out, "rbm2"), "--dbm-dirpath", filepath.Join(out, "dbm"),
				"--ais-betas", "100", "--ais-runs", "4", "--mlp-epochs", "30", "--mlp-save-prefix", filepath.Join(out, "ft_"),
				"--export-dir", filepath.Join(out, "sm"), "--threads", "1", "--quiet"}
		}, []string{"rbm1/model/model.json", "rbm2/model/model.json", "dbm/model/model.json", "dbm/results.json", "ft_y_pred.npy", "sm"}},
	} {
		t.Run(p.name, func(t *testing.T) { killedAndRerun(t, filepath.Join(dir, p.name), p.args, p.stages) })
	}
}

// killedAndRerun runs args(out) once uninterrupted, then six times killed at k/7 of that run's
// duration and run again, and compares the outputs (see TestKilledAtAnyMoment).
func killedAndRerun(t *testing.T, dir string, args func(out string) []string, stages []string) {
	child := func(out string) *exec.Cmd {
		cmd := exec.Command(os.Args[0], append([]string{"-test.run=^TestHelperBM$", "--"}, args(out)...)...)
		cmd.Env = append(os.Environ(), "BM_HELPER=1")
		return cmd
	}
	ref := filepath.Join(dir, "ref")
	start := time.Now()
	if b, err := child(ref).CombinedOutput(); err != nil {
		t.Fatalf("uninterrupted run: %v\n%s", err, b)
	}
	took := time.Since(start)
	want := outputs(t, ref)
	reached := map[int]bool{}
	for k := 1; k <= 6; k++ {
		out := filepath.Join(dir, "killed", string(rune('0'+k)))
		cmd := child(out)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(took * time.Duration(k) / 7)
		cmd.Process.Kill()
		cmd.Wait()
		n := 0
		for _, f := range stages {
			if _, err := os.Stat(filepath.Join(out, f)); err == nil {
				n++
			}
		}
		reached[n] = true
		t.Logf("killed after %d/7 of %v, with %d of the %d stage outputs written", k, took, n, len(stages))
		if b, err := child(out).CombinedOutput(); err != nil {
			t.Fatalf("killed after %d/7 of the run, then rerun: %v\n%s", k, err, b)
		}
		got := outputs(t, out)
		for name, w := range want {
			g, ok := got[name]
			switch {
			case !ok:
				t.Errorf("killed after %d/7 of the run and rerun: %s missing", k, name)
			case !bytes.Equal(g, w):
				t.Errorf("killed after %d/7 of the run and rerun: %s differs from the uninterrupted run's", k, name)
			}
		}
		for name := range got {
			if _, ok := want[name]; !ok {
				t.Errorf("killed after %d/7 of the run and rerun: %s left behind (not in the uninterrupted run)", k, name)
			}
		}
	}
	if len(reached) < 3 {
		t.Errorf("the kills fell in %d stages of the pipeline, want at least 3 (the test did not exercise what it should)", len(reached))
	}
}

// outputs reads every file under root that a run's result consists of, by a name relative to
// root: checkpoint data under "<model dir>/checkpoint.data" and "…/checkpoint.index" (their
// file names hold the save time), model.json and results.json without the checkpoint's name. Files that record
// time are left out: commands.txt, TensorBoard events, the digests beside checkpoints (they
// hash model.json, checkpoint name included).
func outputs(t *testing.T, root string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		base := d.Name()
		switch {
		case base == commandsFile, strings.Contains(rel, "logs"+string(filepath.Separator)), strings.HasSuffix(base, ".sha256"):
			return nil
		case strings.HasPrefix(base, "ckpt-"):
			rel = filepath.Join(filepath.Dir(rel), "checkpoint"+filepath.Ext(base))
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if base == "model.json" || base == "results.json" {
			var j map[string]any
			if err := json.Unmarshal(b, &j); err != nil {
				return err
			}
			delete(j, "checkpoint")
			if b, err = json.Marshal(j); err != nil {
				return err
			}
		}
		out[rel] = b
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
