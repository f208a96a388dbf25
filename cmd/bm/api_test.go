package main

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/boltzmann-go/boltzmann/dbm"
	"github.com/boltzmann-go/boltzmann/mlp"
	"github.com/boltzmann-go/boltzmann/pipeline"
	"github.com/boltzmann-go/boltzmann/rbm"
)

// sameBits reports whether a and b hold the same float64 values bit for bit.
func sameBits(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			return false
		}
	}
	return true
}

// TestRBMMNISTCLIMatchesAPI runs a tiny bm rbm-mnist through the command line and the same
// program through the Go API (pipeline.RBMMNIST, silent hooks), and checks that the RBMs and
// the fine-tuned MLPs they save are the same bit for bit.
func TestRBMMNISTCLIMatchesAPI(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	writeLabeledMNIST(t, filepath.Join(data, "mnist"), 300, 80)
	cli, api := filepath.Join(dir, "cli"), filepath.Join(dir, "api")
	args := []string{"rbm-mnist", "--data-path", data, "--n-train", "250", "--n-val", "50", "--n-hidden", "16", "--epochs", "2",
		"--lr", "0.05", "--model-dirpath", filepath.Join(cli, "rbm") + "/", "--mlp-epochs", "3", "--mlp-batch-size", "32",
		"--mlp-save-prefix", filepath.Join(cli, "rbm_"), "--export-dir", "", "--threads", "1", "--quiet"}
	var code int
	stderr := captureStderr(t, func() { code = run(args) })
	if code != 0 {
		t.Fatalf("bm rbm-mnist: exit %d:\n%s", code, stderr)
	}
	var lines []string
	p := pipeline.RBMMNIST{DataPath: data, NTrain: 250, NVal: 50, NHidden: 16, Epochs: 2, LR: []float64{0.05},
		ModelDir: filepath.Join(api, "rbm") + "/", Threads: 1, NoExportMLP: true,
		MLP: pipeline.FineTune{Epochs: 3, BatchSize: 32, Prefix: filepath.Join(api, "rbm_"), Threads: 1, InputDropoutAsOthers: true}}
	res, err := p.Run(context.Background(), pipeline.Hooks{Log: func(line string) { lines = append(lines, line) }})
	if err != nil {
		t.Fatal(err)
	}
	if res.FineTune == nil || res.FineTune.Epochs != 3 || len(lines) == 0 {
		t.Fatalf("API run: result %+v, %d log lines", res.FineTune, len(lines))
	}

	rbms := [2]*rbm.RBM{}
	for i, d := range []string{cli, api} {
		if rbms[i], err = rbm.Load(filepath.Join(d, "rbm", "model")); err != nil {
			t.Fatal(err)
		}
		defer rbms[i].Close()
	}
	w0, vb0, hb0, err := rbms[0].Weights()
	if err != nil {
		t.Fatal(err)
	}
	w1, vb1, hb1, err := rbms[1].Weights()
	if err != nil {
		t.Fatal(err)
	}
	if !sameBits(w0, w1) || !sameBits(vb0, vb1) || !sameBits(hb0, hb1) {
		t.Errorf("the RBM trained through the API differs from bm rbm-mnist's")
	}
	sameMLPs(t, "bm rbm-mnist", filepath.Join(cli, "rbm_mlp", "model"), filepath.Join(api, "rbm_mlp", "model"))
}

// TestDBMMNISTCLIMatchesAPI runs a tiny bm dbm-mnist through the command line and the same
// program through the Go API (pipeline.DBMMNIST), and checks that the DBMs and the fine-tuned
// MLPs they save are the same bit for bit, and their results.json alike.
func TestDBMMNISTCLIMatchesAPI(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	writeLabeledMNIST(t, filepath.Join(data, "mnist"), 300, 60)
	cli, api := filepath.Join(dir, "cli"), filepath.Join(dir, "api")
	args := []string{"dbm-mnist", "--data-path", data, "--n-train", "250", "--n-val", "50", "--n-hiddens", "12", "16", "--epochs", "2", "2", "2",
		"--batch-size", "10", "10", "10", "--n-particles", "10", "--ais-betas", "30", "--ais-runs", "4", "--mlp-epochs", "2",
		"--rbm1-dirpath", filepath.Join(cli, "rbm1"), "--rbm2-dirpath", filepath.Join(cli, "rbm2"), "--dbm-dirpath", filepath.Join(cli, "dbm"),
		"--mlp-save-prefix", filepath.Join(cli, "dbm_"), "--export-dir", "", "--threads", "1", "--quiet"}
	var code int
	stderr := captureStderr(t, func() { code = run(args) })
	if code != 0 {
		t.Fatalf("bm dbm-mnist: exit %d:\n%s", code, stderr)
	}
	p := pipeline.DBMMNIST{DataPath: data, NTrain: 250, NVal: 50, RBM1Dir: filepath.Join(api, "rbm1"), RBM2Dir: filepath.Join(api, "rbm2"),
		DBMDir: filepath.Join(api, "dbm"), NoExportMLP: true,
		Stack: pipeline.DBMStack{Hiddens: []int{12, 16}, RBMEpochs: []int{2, 2}, RBMBatch: []int{10, 10}, Epochs: 2, BatchSize: 10,
			Particles: 10, AISBetas: 30, AISRuns: 4, Threads: 1},
		MLP: pipeline.FineTune{Epochs: 2, Prefix: filepath.Join(api, "dbm_"), Threads: 1, InputDropoutAsOthers: true}}
	res, err := p.Run(context.Background(), pipeline.Hooks{})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := res.Results["log_z"]; !ok || res.FineTune == nil {
		t.Fatalf("API run: results %v, fine-tuning %+v", res.Results, res.FineTune)
	}
	sameDBMs(t, "bm dbm-mnist", filepath.Join(cli, "dbm", "model"), filepath.Join(api, "dbm", "model"))
	sameMLPs(t, "bm dbm-mnist", filepath.Join(cli, "dbm_mlp", "model"), filepath.Join(api, "dbm_mlp", "model"))
	b, err := os.ReadFile(filepath.Join(cli, "dbm", "results.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cliResults map[string]any
	if err := json.Unmarshal(b, &cliResults); err != nil {
		t.Fatal(err)
	}
	if cliResults["log_z"] != res.Results["log_z"] || cliResults["test_lower_bound"] != res.Results["test_lower_bound"] {
		t.Errorf("log Z and the bound: CLI %v, %v; API %v, %v", cliResults["log_z"], cliResults["test_lower_bound"], res.Results["log_z"], res.Results["test_lower_bound"])
	}
}

// TestDBMCIFARCLIMatchesAPI runs a tiny bm dbm-cifar through the command line and the same
// program through the Go API (pipeline.DBMCIFAR, silent hooks), each on its own copy of the
// data (the caches live beside it), and checks that the Gaussian RBM, the multinomial RBM,
// the DBM and the fine-tuned MLP they save are the same bit for bit.
func TestDBMCIFARCLIMatchesAPI(t *testing.T) {
	dir := t.TempDir()
	cli, api := filepath.Join(dir, "cli"), filepath.Join(dir, "api")
	for _, d := range []string{cli, api} {
		writeCIFAR(t, d, 8) // 40 training images, 8 test images
	}
	args := []string{"dbm-cifar", "--data-path", cli, "--n-train", "30", "--n-val", "6", "--small-epochs", "1", "--small-batch-size", "20",
		"--small-n-hidden", "3", "--small-jobs", "2", "--small-dirpath-prefix", filepath.Join(cli, "small_"), "--n-hidden", "5",
		"--epochs", "1", "1", "1", "--batch-size", "30", "--n-particles", "10", "--max-mf-updates", "5",
		"--grbm-dirpath", filepath.Join(cli, "grbm"), "--mrbm-dirpath", filepath.Join(cli, "mrbm"), "--dbm-dirpath", filepath.Join(cli, "dbm"),
		"--mlp-epochs", "2", "--mlp-batch-size", "50", "--mlp-save-prefix", filepath.Join(cli, "grbm_"), "--export-dir", "", "--threads", "1", "--quiet"}
	var code int
	stderr := captureStderr(t, func() { code = run(args) })
	if code != 0 {
		t.Fatalf("bm dbm-cifar: exit %d:\n%s", code, stderr)
	}
	p := pipeline.DBMCIFAR{CIFARStages: pipeline.CIFARStages{DataPath: api, NTrain: 30, NVal: 6, Epochs: []int{1, 1, 1}, BatchSize: []int{30, 30, 30},
		Particles: 10, MeanFieldSteps: 5, GRBMDir: filepath.Join(api, "grbm"), MRBMDir: filepath.Join(api, "mrbm"), DBMDir: filepath.Join(api, "dbm"),
		Threads: 1, NoExportMLP: true, MLP: pipeline.FineTune{Epochs: 2, BatchSize: 50, Prefix: filepath.Join(api, "grbm_"), InputDropoutAsOthers: true}},
		Small: pipeline.PatchRBMs{Epochs: 1, BatchSize: 20, Hidden: 3, Jobs: 2, Prefix: filepath.Join(api, "small_")}, MRBMHidden: 5}
	res, err := p.Run(context.Background(), pipeline.Hooks{})
	if err != nil {
		t.Fatal(err)
	}
	if res.FineTune == nil || res.FineTune.Epochs != 2 {
		t.Fatalf("API run: fine-tuning %+v", res.FineTune)
	}
	for _, name := range []string{"grbm", "mrbm", "small_25"} {
		var w, vb, hb [2][]float64
		for i, d := range []string{cli, api} {
			r, err := rbm.Load(filepath.Join(d, name, "model"))
			if err != nil {
				t.Fatal(err)
			}
			w[i], vb[i], hb[i], err = r.Weights()
			r.Close()
			if err != nil {
				t.Fatal(err)
			}
		}
		if !sameBits(w[0], w[1]) || !sameBits(vb[0], vb[1]) || !sameBits(hb[0], hb[1]) {
			t.Errorf("the RBM %s trained through the API differs from bm dbm-cifar's", name)
		}
	}
	sameDBMs(t, "bm dbm-cifar", filepath.Join(cli, "dbm", "model"), filepath.Join(api, "dbm", "model"))
	sameMLPs(t, "bm dbm-cifar", filepath.Join(cli, "grbm_mlp", "model"), filepath.Join(api, "grbm_mlp", "model"))
}

// sameDBMs checks that the DBMs saved in the model folders a (by the command cmd) and b
// (through the API) have the same weights and biases bit for bit.
func sameDBMs(t *testing.T, cmd, a, b string) {
	t.Helper()
	var params [2]dbm.Parameters
	for i, d := range []string{a, b} {
		m, err := dbm.Load(d)
		if err != nil {
			t.Fatal(err)
		}
		params[i], err = m.Parameters()
		m.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	for l := range params[0].W {
		if !sameBits(params[0].W[l], params[1].W[l]) {
			t.Errorf("W%d of the DBM trained through the API differs from %s's", l+1, cmd)
		}
	}
	for l := range params[0].B {
		if !sameBits(params[0].B[l], params[1].B[l]) {
			t.Errorf("b%d of the DBM trained through the API differs from %s's", l, cmd)
		}
	}
}

// sameMLPs checks that the MLPs saved in the model folders a (by the command cmd) and b
// (through the API) have the same kernels and biases bit for bit.
func sameMLPs(t *testing.T, cmd, a, b string) {
	t.Helper()
	var kernels, biases [2][][]float64
	for i, d := range []string{a, b} {
		m, err := mlp.Load(d)
		if err != nil {
			t.Fatal(err)
		}
		kernels[i], biases[i], err = m.Weights()
		m.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	for l := range kernels[0] {
		if !sameBits(kernels[0][l], kernels[1][l]) || !sameBits(biases[0][l], biases[1][l]) {
			t.Errorf("layer %d of the MLP fine-tuned through the API differs from %s's", l, cmd)
		}
	}
}
