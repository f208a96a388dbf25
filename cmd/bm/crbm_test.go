package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	tf "github.com/galeone/tensorflow/tensorflow/go"

	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/tfops"
)

// TestCRBMEndToEnd trains a classification RBM with bm crbm on a small MNIST folder, shows it
// with bm info and exports it with bm export; the exported classify signature gives the classes
// bm crbm wrote as its test predictions, and bad flags and an edited kind are refused.
func TestCRBMEndToEnd(t *testing.T) {
	dir := t.TempDir()
	mnist := filepath.Join(dir, "mnist")
	writeMNIST28(t, mnist, 60, 12)
	run := filepath.Join(dir, "crbm")
	bm(t, "crbm", "-data", mnist, "-n-train", "50", "-n-val", "10", "-hidden", "8", "-epochs", "2", "-batch", "10",
		"-threads", "1", "-export=false", "-out", run, "-quiet")
	model := filepath.Join(run, "model")

	got := bmOut(t, "info", "-model", run)
	for _, want := range []string{"kind       crbm (float32)", "784-8, 10 label units (hybrid training)", "trained    "} {
		if !strings.Contains(got, want) {
			t.Errorf("bm info: %q not in\n%s", want, got)
		}
	}

	base := filepath.Join(dir, "savedmodels")
	bm(t, "export", "-model", model, "-base", base, "-name", "crbm", "-version", "1")
	sm, err := tf.LoadSavedModel(filepath.Join(base, "crbm", "1"), []string{"serve"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer sm.Session.Close()
	for _, key := range []string{"serving_default", "classify"} {
		if _, ok := sm.Signatures[key]; !ok {
			t.Fatalf("the export has no %s signature: %v", key, sm.Signatures)
		}
	}
	x, _, err := dataset.LoadMNIST(mnist, false)
	if err != nil {
		t.Fatal(err)
	}
	xm := dataset.ToMatrix[float32](x)
	pred, err := dataset.ReadNPYLabels(filepath.Join(run, "y_pred.npy"))
	if err != nil {
		t.Fatal(err)
	}
	sig := sm.Signatures["classify"]
	in := sm.Graph.Operation(strings.Split(sig.Inputs["inputs"].Name, ":")[0]).Output(0)
	out := sm.Graph.Operation(strings.Split(sig.Outputs["classes"].Name, ":")[0]).Output(0)
	xt, err := tfops.TensorAs(xm.Data, tf.Float, int64(xm.Rows), int64(xm.Cols))
	if err != nil {
		t.Fatal(err)
	}
	res, err := sm.Session.Run(map[tf.Output]*tf.Tensor{in: xt}, []tf.Output{out}, nil)
	if err != nil {
		t.Fatal(err)
	}
	classes, ok := res[0].Value().([]int64)
	if !ok {
		t.Fatalf("classify gives %T, want []int64", res[0].Value())
	}
	if len(classes) != len(pred) {
		t.Fatalf("classify gives %d classes for %d test predictions", len(classes), len(pred))
	}
	for i, c := range classes {
		if int(c) != pred[i] {
			t.Fatalf("classify row %d: class %d, bm crbm predicted %d", i, c, pred[i])
		}
	}

	// An edited kind is refused by both commands.
	b, err := os.ReadFile(filepath.Join(model, "model.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(model, "model.json"), []byte(strings.Replace(string(b), `"kind": "crbm"`, `"kind": "rbm"`, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	exitWith(t, 2, "classification RBM", "info", "-model", model)
	exitWith(t, 2, "classification RBM", "export", "-model", model, "-base", base, "-name", "crbm2")
	for _, args := range [][]string{
		{"-hidden", "0"}, {"-mode", "clever"}, {"-n-val", "0", "-patience", "3"},
	} {
		exitWith(t, 2, "flag", append([]string{"crbm", "-data", mnist, "-n-train", "50", "-out", filepath.Join(dir, "bad"), "-quiet"}, args...)...)
	}
}
