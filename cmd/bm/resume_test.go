package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/boltzmann-go/boltzmann/train"
)

// TestTrainResumeFlags resumes a run: the same command with more epochs continues it, a changed
// training flag is a usage error naming the flag that leaves the model as it was, and the
// banner shows the saved model's size, not the flags'.
func TestTrainResumeFlags(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "images.idx")
	writeIDX(t, data, 60, 4, 4)
	out := filepath.Join(dir, "out")
	base := []string{"train", "-data", data, "-n-train", "50", "-n-val", "10", "-n-hidden", "4", "-batch-size", "10",
		"-out", out, "-samples", "0", "-filters", "0", "-quiet", "-lr", "0.01", "-momentum", "geom:0.5,0.9,8"}
	if code := run(append(base, "-epochs", "1")); code != 0 {
		t.Fatalf("bm train exited %d", code)
	}
	model, err := os.ReadFile(filepath.Join(out, "model", "model.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ flag, value string }{{"lr", "0.02"}, {"momentum", "0.9"}, {"n-hidden", "8"}, {"k", "2"}, {"pcd", "true"}, {"dtype", "float64"}} {
		var code int
		msg := captureStderr(t, func() { code = run(append(base, "-epochs", "2", "-"+tc.flag+"="+tc.value)) })
		if code != 2 || !strings.Contains(msg, "-"+tc.flag) || !strings.Contains(msg, "-fresh") || (tc.flag == "dtype" && !strings.Contains(msg, "float64, saved float32")) {
			t.Errorf("resume with -%s %s: exit %d, stderr %q; want 2 naming -%s", tc.flag, tc.value, code, msg, tc.flag)
		}
		if now, _ := os.ReadFile(filepath.Join(out, "model", "model.json")); string(now) != string(model) {
			t.Errorf("resume with -%s %s changed model.json", tc.flag, tc.value)
		}
	}
	// Other training rows: the data record beside the model refuses them, given or by default.
	for _, tc := range []struct{ flag, value, want string }{{"split-seed", "5", "-split-seed: 5"}, {"binarize", "threshold", "-binarize: threshold"},
		{"n-val", "0", "-n-val: 0"}} {
		args := append(append([]string(nil), base...), "-epochs", "2", "-"+tc.flag+"="+tc.value)
		var code int
		msg := captureStderr(t, func() { code = run(args) })
		if code != 2 || !strings.Contains(msg, tc.want) || !strings.Contains(msg, "-fresh") {
			t.Errorf("resume with -%s %s: exit %d, stderr %q; want 2 naming %q", tc.flag, tc.value, code, msg, tc.want)
		}
		if now, _ := os.ReadFile(filepath.Join(out, "model", "model.json")); string(now) != string(model) {
			t.Errorf("resume with -%s %s changed model.json", tc.flag, tc.value)
		}
	}
	var code int
	msg := captureStderr(t, func() { code = run(append(base, "-epochs", "2", "-n-hidden", "4", "-seed", "7", "-w-init", "0.5")) })
	if code != 0 || !strings.Contains(msg, "RBM 16×4") || !strings.Contains(msg, "2 epochs") {
		t.Errorf("resume with the same training flags: exit %d, stderr %q", code, msg)
	}
}

// TestTrainDivergence trains with an absurd learning rate: exit 1 with a message naming the
// epoch and the learning rate, and no model saved from the diverged epoch.
func TestTrainDivergence(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "images.idx")
	writeIDX(t, data, 60, 4, 4)
	out := filepath.Join(dir, "out")
	var code int
	msg := captureStderr(t, func() {
		code = run([]string{"train", "-data", data, "-n-train", "50", "-n-val", "10", "-n-hidden", "4", "-batch-size", "10",
			"-out", out, "-epochs", "2", "-quiet", "-lr", "1e300", "-momentum", "0"})
	})
	if code != 1 || !strings.Contains(msg, "training diverged at epoch 1") || !strings.Contains(msg, "learning rate 1e+300") {
		t.Errorf("exit %d, stderr %q; want 1 and the divergence named", code, msg)
	}
	if _, err := os.Stat(filepath.Join(out, "model", "model.json")); !os.IsNotExist(err) {
		t.Errorf("a model was saved from the diverged epoch: %v", err)
	}
}

func TestRunName(t *testing.T) {
	for dir, want := range map[string]string{"runs/rbm_mnist/model": "rbm_mnist", "runs/dbm_mnist/dbm/model": "dbm_mnist", "models/x/model/": "x", "model": "model"} {
		if got := runName(dir); got != want {
			t.Errorf("runName(%q) = %q, want %q", dir, got, want)
		}
	}
}

// TestUint8NPYIsScaled trains on a .npy of uint8 pixels: they are scaled to [0, 1] with a
// message, not fed raw (which would saturate every hidden unit).
func TestUint8NPYIsScaled(t *testing.T) {
	dir := t.TempDir()
	header := "{'descr': '|u1', 'fortran_order': False, 'shape': (30, 4), }"
	for (10+len(header)+1)%64 != 0 {
		header += " "
	}
	header += "\n"
	b := append([]byte("\x93NUMPY\x01\x00"), byte(len(header)), byte(len(header)>>8))
	b = append(b, header...)
	for i := 0; i < 120; i++ {
		b = append(b, byte(i*37%256))
	}
	path := filepath.Join(dir, "u8.npy")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	var code int
	msg := captureStderr(t, func() {
		code = run([]string{"train", "-data", path, "-n-hidden", "3", "-epochs", "1", "-n-train", "20", "-n-val", "5", "-out", filepath.Join(dir, "o"), "-quiet"})
	})
	if code != 0 || !strings.Contains(msg, "scaled to [0, 1]") {
		t.Errorf("uint8 .npy: exit %d, stderr %q; want it scaled with a message", code, msg)
	}
}

// TestDBMStageErrFlags: a pretraining RBM's configuration error names bm dbm's -rbm-… flag, the
// original programs' per-stage flag (--lr), or no flag when those programs have none for it.
func TestDBMStageErrFlags(t *testing.T) {
	lr := &train.ConfigError{Package: "rbm", Field: "LearningRate[2]", Reason: "-1, want > 0"}
	for _, tc := range []struct {
		spell map[string]string
		err   error
		want  string
	}{
		{nil, lr, "flag -rbm-lr: rbm: config: LearningRate[2]"},
		{map[string]string{}, lr, "flag --lr: rbm: config: LearningRate[2]"},
		{map[string]string{}, &train.ConfigError{Package: "rbm", Field: "WeightStd", Reason: "NaN"}, "rbm: config: WeightStd: NaN"},
	} {
		got := dbmStageErr(tc.err, nil, tc.spell, "runs/x/dbm/model")
		if got == nil || !strings.HasPrefix(got.Error(), tc.want) || (tc.spell != nil && strings.Contains(got.Error(), "rbm-")) {
			t.Errorf("dbmStageErr(%v, spell %v) = %v, want %q…", tc.err, tc.spell, got, tc.want)
		}
	}
}

// TestDBMResumeDataRecord: bm dbm's DBM, and a pretraining RBM that resumes training, refuse
// another train/validation split; a trained RBM is reused whatever the split.
func TestDBMResumeDataRecord(t *testing.T) {
	dir := t.TempDir()
	mnist := filepath.Join(dir, "mnist")
	writeLabeledMNIST(t, mnist, 60, 10)
	out := filepath.Join(dir, "run")
	base := []string{"dbm", "-data", mnist, "-n-train", "50", "-n-val", "10", "-n-hiddens", "6,4", "-rbm-batch-size", "10,10",
		"-epochs", "1", "-batch-size", "10", "-n-particles", "10", "-max-mf-updates", "5", "-ais-betas", "0", "-out", out, "-quiet"}
	bm(t, append(base, "-rbm-epochs", "1,1")...)
	exitWith(t, 2, "-split-seed: 5", append(base, "-rbm-epochs", "1,1", "-epochs", "2", "-split-seed", "5")...)
	// Without the DBM, RBM 1 resumes training (2 epochs instead of 1) on another split: refused.
	if err := os.RemoveAll(filepath.Join(out, "dbm")); err != nil {
		t.Fatal(err)
	}
	exitWith(t, 2, "-split-seed: 5", append(base, "-rbm-epochs", "2,1", "-split-seed", "5")...)
	bm(t, append(base, "-rbm-epochs", "1,1", "-split-seed", "5")...) // both RBMs trained: reused
}
