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

// TestKilledAtAnyMoment runs the DBM pipeline (two RBMs, the DBM, AIS, pictures) in a child
// process, kills it with SIGKILL at six moments spread over an uninterrupted run's duration,
// runs the same command again to the end, and requires every output of every stage to be
// present and equal to the uninterrupted run's: the weights, velocities, particles and counters
// of each model's checkpoint, results.json, history and pictures. Only what records time or a
// checkpoint's unique name may differ (commands.txt, the TensorBoard events, the checkpoint
// file names in model.json and results.json, and their digests).
func TestKilledAtAnyMoment(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the DBM pipeline thirteen times")
	}
	dir := t.TempDir()
	data := filepath.Join(dir, "images.idx")
	writeIDX(t, data, 120, 4, 4)
	args := func(out string) []string {
		return []string{"dbm", "-data", data, "-n-train", "100", "-n-val", "20", "-n-hiddens", "6,4",
			"-rbm-epochs", "4,4", "-rbm-batch-size", "10,10", "-increase-n-gibbs-steps-every", "2", "-epochs", "6",
			"-batch-size", "10", "-n-particles", "10", "-max-mf-updates", "5", "-ais-betas", "200", "-ais-runs", "10",
			"-threads", "1", "-out", out, "-quiet"}
	}
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
	// How far a killed run got: the number of these outputs it had written.
	stages := []string{"rbm1/model/model.json", "rbm2/model/model.json", "dbm/model/model.json", "results.json", "samples.png"}
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
