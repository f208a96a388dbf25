package main

import (
	"encoding/binary"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/boltzmann-go/boltzmann/pipeline"
	"github.com/boltzmann-go/boltzmann/rbm"
)

// writeIDX writes n random h×w binary-ish images in the IDX format (MNIST's).
func writeIDX(t *testing.T, path string, n, h, w int) {
	t.Helper()
	b := make([]byte, 16+n*h*w)
	binary.BigEndian.PutUint32(b[0:], 0x00000803)
	binary.BigEndian.PutUint32(b[4:], uint32(n))
	binary.BigEndian.PutUint32(b[8:], uint32(h))
	binary.BigEndian.PutUint32(b[12:], uint32(w))
	r := rand.New(rand.NewPCG(1, 2))
	for i := 16; i < len(b); i++ {
		if r.IntN(3) == 0 {
			b[i] = 255
		}
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// captureStderr runs f and returns what it wrote to stderr.
func captureStderr(t *testing.T, f func()) string {
	t.Helper()
	return capture(t, &os.Stderr, f)
}

// captureStdout runs f and returns what it wrote to stdout.
func captureStdout(t *testing.T, f func()) string {
	t.Helper()
	return capture(t, &os.Stdout, f)
}

// capture runs f with *file replaced by a pipe and returns what f wrote to it.
func capture(t *testing.T, file **os.File, f func()) string {
	t.Helper()
	old := *file
	rd, wr, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	*file = wr
	done := make(chan []byte)
	go func() {
		var out []byte
		buf := make([]byte, 4096)
		for {
			n, err := rd.Read(buf)
			out = append(out, buf[:n]...)
			if err != nil {
				break
			}
		}
		done <- out
	}()
	f()
	wr.Close()
	*file = old
	return string(<-done)
}

// TestTrainUsageErrors checks that nonsense flags exit with status 2 and name the flag.
func TestTrainUsageErrors(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "images.idx")
	writeIDX(t, data, 60, 4, 4)
	base := []string{"train", "-data", data, "-n-train", "50", "-n-val", "10", "-out", filepath.Join(dir, "out"), "-quiet"}
	for _, tc := range []struct {
		args []string
		flag string
	}{
		{[]string{"-epochs", "0"}, "-epochs"},
		{[]string{"-lr", "-1"}, "-lr"},
		{[]string{"-lr", "fast"}, "-lr"},
		{[]string{"-momentum", "geom:0.5,0.9"}, "-momentum"},
		{[]string{"-dtype", "float16"}, "-dtype"},
		{[]string{"-binarize", "maybe"}, "-binarize"},
		{[]string{"-metrics", "accuracy"}, "-metrics"},
		{[]string{"-visible", "poisson"}, "-visible"},
		{[]string{"-gpu", "first"}, "-gpu"},
		{[]string{"-dropout", "0"}, "-dropout"},
		{[]string{"-n-hidden", "-5"}, "-n-hidden"},
		{[]string{"-sparsity-target", "2"}, "-sparsity-target"},
		{[]string{"-image-shape", "5,5"}, "-image-shape"},
		{[]string{"-n-train", "100"}, "-n-train"},
		{[]string{"-k", "0"}, "-k"},
		{[]string{"-nope"}, "-nope"},
	} {
		var code int
		out := captureStderr(t, func() { code = run(append(append([]string(nil), base...), tc.args...)) })
		if code != 2 || !strings.Contains(out, tc.flag) {
			t.Errorf("bm train %v: exit %d, stderr %q; want exit 2 naming %s", tc.args, code, out, tc.flag)
		}
	}
	if code := run([]string{"frobnicate"}); code != 2 {
		t.Errorf("unknown command: exit %d, want 2", code)
	}
}

// TestTrainEndToEnd trains a small RBM on an IDX file, checks the outputs, and resumes it.
func TestTrainEndToEnd(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "images.idx")
	writeIDX(t, data, 200, 4, 4)
	out := filepath.Join(dir, "out")
	args := []string{"train", "-data", data, "-n-train", "150", "-n-val", "50", "-n-hidden", "8", "-epochs", "2",
		"-batch-size", "10", "-out", out, "-samples", "4", "-sample-steps", "10", "-quiet", "-train-every", "5",
		"-val-every", "1", "-feg-every", "1", "-feg-batches", "2"}
	if code := run(args); code != 0 {
		t.Fatalf("bm train exited %d", code)
	}
	for _, f := range []string{"model/model.json", "filters.png", "samples.png", "curve_msre.png", "curve_pll.png", "curve_feg.png", "history.json"} {
		if st, err := os.Stat(filepath.Join(out, f)); err != nil || st.Size() == 0 {
			t.Errorf("missing output %s: %v", f, err)
		}
	}
	if m, _ := filepath.Glob(filepath.Join(out, "logs", "train", "events.out.tfevents.*")); len(m) != 1 {
		t.Errorf("TensorBoard files: %v", m)
	}
	// Resume to 3 epochs: the history gains one epoch.
	for i, a := range args {
		if a == "-epochs" {
			args[i+1] = "3"
		}
	}
	if code := run(args); code != 0 {
		t.Fatalf("resumed bm train exited %d", code)
	}
	b, err := os.ReadFile(filepath.Join(out, "history.json"))
	if err != nil {
		t.Fatal(err)
	}
	var hist []pipeline.EpochRecord
	if err := json.Unmarshal(b, &hist); err != nil {
		t.Fatal(err)
	}
	if len(hist) != 3 || hist[2].Epoch != 3 || hist[2].Val["msre"] <= 0 {
		t.Errorf("history after resume: %+v", hist)
	}

	// Export twice: versions 1 and 2; exporting over version 1 without -overwrite fails.
	base := filepath.Join(dir, "savedmodels")
	exp := []string{"export", "-model", filepath.Join(out, "model"), "-base", base, "-name", "tiny"}
	for v := 1; v <= 2; v++ {
		if code := run(exp); code != 0 {
			t.Fatalf("bm export exited %d", code)
		}
		if _, err := os.Stat(filepath.Join(base, "tiny", strconv.Itoa(v), "saved_model.pb")); err != nil {
			t.Errorf("export version %d: %v", v, err)
		}
	}
	if code := run(append(exp, "-version", "1")); code != 1 {
		t.Errorf("bm export over an existing version exited %d, want 1", code)
	}
	if code := run(append(exp, "-version", "-3")); code != 2 {
		t.Errorf("bm export -version -3 exited %d, want 2", code)
	}
}

// TestTrainBadData checks that an unreadable data file is a runtime error naming the file.
func TestTrainBadData(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "broken.idx")
	if err := os.WriteFile(data, []byte{0, 0, 8, 3, 0, 0}, 0o644); err != nil {
		t.Fatal(err)
	}
	var code int
	out := captureStderr(t, func() { code = run([]string{"train", "-data", data, "-out", filepath.Join(dir, "o"), "-quiet"}) })
	if code != 1 || !strings.Contains(out, "broken.idx") {
		t.Errorf("bm train on a truncated file: exit %d, stderr %q", code, out)
	}
}

// TestDBMEndToEnd runs the DBM pipeline on a tiny IDX file: two pretrained RBMs, joint
// training, AIS, pictures; a second run reuses every trained model.
func TestDBMEndToEnd(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "images.idx")
	writeIDX(t, data, 120, 4, 4)
	out := filepath.Join(dir, "out")
	args := []string{"dbm", "-data", data, "-n-train", "100", "-n-val", "20", "-n-hiddens", "6,4",
		"-rbm-epochs", "2,3", "-rbm-batch-size", "10,10", "-increase-n-gibbs-steps-every", "2", "-epochs", "2",
		"-batch-size", "10", "-n-particles", "10", "-max-mf-updates", "5", "-ais-betas", "100", "-ais-runs", "10",
		"-out", out, "-quiet"}
	if code := run(args); code != 0 {
		t.Fatalf("bm dbm exited %d", code)
	}
	for _, f := range []string{"rbm1/model/model.json", "rbm2/model/model.json", "dbm/model/model.json", "dbm/logs/train", "rbm1/logs/train", "rbm2/logs/train", "dbm/logs/results", "results.json", "filters.png", "samples.png"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("missing %s: %v", f, err)
		}
	}
	b, err := os.ReadFile(filepath.Join(out, "results.json"))
	if err != nil {
		t.Fatal(err)
	}
	var res map[string]any
	if err := json.Unmarshal(b, &res); err != nil || res["log_z"] == nil {
		t.Errorf("results.json = %s (%v), want a log_z", b, err)
	}
	if code := run(args); code != 0 {
		t.Fatalf("second bm dbm exited %d", code)
	}
	if code := run(append(args, "-rbm-lr", "0.1")); code != 2 {
		t.Errorf("one -rbm-lr value for two RBMs: exit %d, want 2", code)
	}
	// The DBM resumes with its saved configuration: a training flag changed since is an error
	// naming the flag; the same value is not.
	var code int
	msg := captureStderr(t, func() { code = run(append(slices.Clone(args), "-l2", "0.5")) })
	if code != 2 || !strings.Contains(msg, "flag -l2") {
		t.Errorf("resuming the DBM with another -l2: exit %d, %s", code, msg)
	}
	if code := run(append(slices.Clone(args), "-batch-size", "10", "-dtype", "float32")); code != 0 {
		t.Errorf("resuming the DBM with its own -batch-size and -dtype: exit %d", code)
	}
	// bm sample and bm export take DBMs too; RBM 1 of the pipeline is an RBM model.
	for _, model := range []string{"dbm/model", "rbm1/model"} {
		png := filepath.Join(dir, strings.ReplaceAll(model, "/", "_")+".png")
		if code := run([]string{"sample", "-model", filepath.Join(out, model), "-image-shape", "4,4,1", "-chains", "4", "-steps", "10", "-out", png}); code != 0 {
			t.Errorf("bm sample %s exited %d", model, code)
		}
		if _, err := os.Stat(png); err != nil {
			t.Errorf("bm sample %s: %v", model, err)
		}
		if code := run([]string{"sample", "-model", filepath.Join(out, model), "-image-shape", "3,3,1"}); code != 2 {
			t.Errorf("bm sample %s with a 3×3 shape: exit %d, want 2", model, code)
		}
	}
	base := filepath.Join(dir, "savedmodels")
	if code := run([]string{"export", "-model", filepath.Join(out, "dbm", "model"), "-base", base, "-name", "tiny_dbm"}); code != 0 {
		t.Fatalf("bm export of a DBM exited %d", code)
	}
	if _, err := os.Stat(filepath.Join(base, "tiny_dbm", "1", "saved_model.pb")); err != nil {
		t.Errorf("DBM export: %v", err)
	}
}

// TestTrainPixelsSameAsResident checks that bm train's default, which keeps image data as 8-bit
// pixels and streams its minibatches, gives the weights of -resident (float32 data copied into
// the graph) bit for bit, with and without a validation set (samples then start at training rows).
func TestTrainPixelsSameAsResident(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "images.idx")
	writeIDX(t, data, 120, 4, 4)
	for _, nVal := range []string{"20", "0"} {
		var weights [2][]float64
		for i, extra := range [][]string{nil, {"-resident"}} {
			out := filepath.Join(dir, "out"+nVal+strconv.Itoa(i))
			args := append([]string{"train", "-data", data, "-n-train", "100", "-n-val", nVal, "-n-hidden", "6", "-epochs", "2",
				"-out", out, "-samples", "3", "-sample-steps", "2", "-quiet"}, extra...)
			if code := run(args); code != 0 {
				t.Fatalf("bm %v exited %d", args, code)
			}
			m, err := rbm.Load(filepath.Join(out, "model"))
			if err != nil {
				t.Fatal(err)
			}
			w, vb, hb, err := m.Weights()
			m.Close()
			if err != nil {
				t.Fatal(err)
			}
			weights[i] = slices.Concat(w, vb, hb)
		}
		if !slices.Equal(weights[0], weights[1]) {
			t.Errorf("-n-val %s: weights trained on pixels differ from -resident's", nVal)
		}
	}
}
