package main

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/boltzmann-go/boltzmann/dataset"
)

// TestDBMUnitsEndToEnd trains a Gaussian-Bernoulli-Multinomial DBM (the CIFAR programs' kind)
// with bm dbm on real-valued .npy data: pretraining, joint training and AIS run, the model
// folder records the unit types, and a bad unit flag is a usage error before any work.
func TestDBMUnitsEndToEnd(t *testing.T) {
	dir := t.TempDir()
	r := rand.New(rand.NewPCG(4, 5))
	x := dataset.NewMatrix[float32](120, 6)
	for i := range x.Data {
		x.Data[i] = float32(r.IntN(2)) + 0.3*float32(r.NormFloat64())
	}
	data := filepath.Join(dir, "x.npy")
	if err := dataset.WriteNPY(data, x); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	args := []string{"dbm", "-data", data, "-standardize", "-visible", "gaussian", "-hidden-units", "bernoulli,multinomial", "-draws", "3",
		"-n-hiddens", "5,4", "-rbm-epochs", "1,1", "-rbm-sample-v", "1,0", "-rbm-lr", "0.001,0.001", "-epochs", "2", "-batch-size", "20",
		"-n-particles", "10", "-n-train", "100", "-n-val", "20", "-ais-betas", "50", "-ais-runs", "4", "-out", out, "-quiet"}
	if code := run(args); code != 0 {
		t.Fatalf("bm dbm exited %d", code)
	}
	b, err := os.ReadFile(filepath.Join(out, "dbm", "model", "model.json"))
	if err != nil {
		t.Fatal(err)
	}
	var mj struct {
		Units []struct {
			Type  string
			Draws int
		}
	}
	if err := json.Unmarshal(b, &mj); err != nil {
		t.Fatal(err)
	}
	if len(mj.Units) != 3 || mj.Units[0].Type != "gaussian" || mj.Units[1].Type != "bernoulli" || mj.Units[2].Type != "multinomial" || mj.Units[2].Draws != 3 {
		t.Errorf("saved units %+v, want gaussian, bernoulli, multinomial(3)", mj.Units)
	}
	res, err := os.ReadFile(filepath.Join(out, "results.json"))
	if err != nil || !strings.Contains(string(res), `"log_z"`) {
		t.Errorf("results.json %s (%v): want log_z", res, err)
	}
	for _, bad := range [][]string{{"-hidden-units", "bernoulli,tanh"}, {"-hidden-units", "bernoulli"}, {"-visible", "spin"}, {"-rbm-sample-v", "1,2"}, {"-draws", "0", "-hidden-units", "bernoulli,multinomial"}} {
		var code int
		msg := captureStderr(t, func() {
			code = run(append([]string{"dbm", "-data", data, "-n-hiddens", "5,4", "-out", filepath.Join(dir, "bad"), "-quiet"}, bad...))
		})
		if code != 2 || !strings.Contains(msg, "flag "+bad[0]) {
			t.Errorf("bm dbm %v: exit %d, %q; want 2 naming %s", bad, code, msg, bad[0])
		}
	}
}
