package main

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tf "github.com/galeone/tensorflow/tensorflow/go"

	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/tfops"
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
	// The model was trained behind -standardize: bm transform and the export take raw rows.
	model := filepath.Join(out, "dbm", "model")
	if _, err := os.Stat(filepath.Join(out, "dbm", standardizerFile)); err != nil {
		t.Fatalf("no %s beside the DBM: %v", standardizerFile, err)
	}
	feats := filepath.Join(dir, "f.npy")
	if code := run([]string{"transform", "-model", model, "-data", data, "-out", feats, "-quiet"}); code != 0 {
		t.Fatalf("bm transform exited %d", code)
	}
	if code := run([]string{"export", "-model", model, "-base", filepath.Join(dir, "sm"), "-name", "g"}); code != 0 {
		t.Fatalf("bm export exited %d", code)
	}
	want, err := dataset.ReadNPY[float64](feats)
	if err != nil {
		t.Fatal(err)
	}
	sm, err := tf.LoadSavedModel(filepath.Join(dir, "sm", "g", "1"), []string{"serve"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer sm.Session.Close()
	sig := sm.Signatures["serving_default"]
	xt, err := tfops.TensorAs(x.Data, tf.Float, int64(x.Rows), int64(x.Cols))
	if err != nil {
		t.Fatal(err)
	}
	fetched, err := sm.Session.Run(map[tf.Output]*tf.Tensor{sm.Graph.Operation(strings.Split(sig.Inputs["visible"].Name, ":")[0]).Output(0): xt},
		[]tf.Output{sm.Graph.Operation(strings.Split(sig.Outputs["features"].Name, ":")[0]).Output(0)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := tfops.Values[float64](fetched[0])
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range got {
		// The export's features of a multinomial top layer are its probabilities per draw; bm
		// transform writes the mean-field means, 3 draws times those.
		if d := 3*v - want.Data[i]; d > 1e-4 || d < -1e-4 { // float32
			t.Fatalf("feature %d of the raw rows: export %g, bm transform %g", i, v, want.Data[i])
		}
	}
	if code := run([]string{"transform", "-model", model, "-data", data, "-out", feats, "-quiet", "-raw-input=false"}); code != 0 {
		t.Fatalf("bm transform -raw-input=false exited %d", code)
	}
	if unstd, _ := dataset.ReadNPY[float64](feats); unstd == nil || unstd.Data[0] == want.Data[0] {
		t.Error("-raw-input=false gave the same features: the standardization was not applied before")
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
