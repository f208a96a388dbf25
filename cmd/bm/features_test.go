package main

import (
	"archive/zip"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/rbm"
)

// TestTransformAndClassify trains a small RBM and a small DBM through bm dbm, writes their
// features with bm transform (.npy and CSV, one layer and all layers, with labels) and
// classifies them with bm classify, from the model and from the written files.
func TestTransformAndClassify(t *testing.T) {
	dir := t.TempDir()
	mnist := filepath.Join(dir, "mnist")
	writeLabeledMNIST(t, mnist, 300, 80)
	out := filepath.Join(dir, "dbm")
	var code int
	stderr := captureStderr(t, func() {
		code = run([]string{"dbm", "-data", mnist, "-n-train", "250", "-n-val", "50", "-n-hiddens", "12,16", "-rbm-epochs", "2,2",
			"-epochs", "2", "-n-particles", "10", "-max-mf-updates", "5", "-ais-betas", "0", "-out", out, "-quiet"})
	})
	if code != 0 {
		t.Fatalf("bm dbm: exit %d\n%s", code, stderr)
	}
	for _, tc := range []struct {
		model, layer, file string
		cols               int
	}{
		{filepath.Join(out, "rbm1"), "top", "rbm.npy", 12},
		{filepath.Join(out, "dbm", "model"), "1", "dbm1.npy", 12},
		{filepath.Join(out, "dbm"), "top", "dbm2.npy", 16},
		{filepath.Join(out, "dbm", "model"), "all", "all.csv", 28},
	} {
		path := filepath.Join(dir, tc.file)
		stderr := captureStderr(t, func() {
			code = run([]string{"transform", "-model", tc.model, "-data", mnist, "-layer", tc.layer, "-out", path,
				"-labels-out", filepath.Join(dir, "y.npy"), "-quiet"})
		})
		if code != 0 {
			t.Fatalf("transform %s: exit %d\n%s", tc.file, code, stderr)
		}
		var rows, cols int
		if strings.HasSuffix(path, ".csv") {
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(strings.TrimSpace(string(b)), "\n")
			rows, cols = len(lines), len(strings.Split(lines[0], ","))
		} else {
			m, err := dataset.ReadNPY[float32](path)
			if err != nil {
				t.Fatal(err)
			}
			rows, cols = m.Rows, m.Cols
			for _, v := range m.Data {
				if v < 0 || v > 1 {
					t.Fatalf("%s: feature %g outside [0, 1]", tc.file, v)
				}
			}
		}
		if rows != 300 || cols != tc.cols {
			t.Errorf("%s: %d×%d features, want 300×%d", tc.file, rows, cols, tc.cols)
		}
	}
	y, err := dataset.ReadNPYLabels(filepath.Join(dir, "y.npy"))
	if err != nil || len(y) != 300 {
		t.Fatalf("labels: %d, %v", len(y), err)
	}
	// Test features and labels, then bm classify from files and from the model.
	stderr = captureStderr(t, func() {
		code = run([]string{"transform", "-model", filepath.Join(out, "rbm1"), "-data", mnist, "-test", "-out", filepath.Join(dir, "rbm_test.npy"),
			"-labels-out", filepath.Join(dir, "y_test.npy"), "-quiet"})
	})
	if code != 0 {
		t.Fatalf("transform -test: exit %d\n%s", code, stderr)
	}
	cls := filepath.Join(dir, "cls")
	stderr = captureStderr(t, func() {
		code = run([]string{"classify", "-features", filepath.Join(dir, "rbm.npy"), "-labels", filepath.Join(dir, "y.npy"),
			"-test-features", filepath.Join(dir, "rbm_test.npy"), "-test-labels", filepath.Join(dir, "y_test.npy"),
			"-classifier", "all", "-rff-dim", "200", "-out", cls, "-quiet"})
	})
	if code != 0 {
		t.Fatalf("classify: exit %d\n%s", code, stderr)
	}
	for _, c := range []string{"knn", "logreg", "svm", "svm-rff"} {
		if !strings.Contains(stderr, c+": test error") {
			t.Errorf("no test error for %s:\n%s", c, stderr)
		}
		if _, err := os.Stat(filepath.Join(cls, "confusion_"+c+".png")); err != nil {
			t.Error(err)
		}
	}
	fromModel := captureStderr(t, func() {
		code = run([]string{"classify", "-model", filepath.Join(out, "rbm1"), "-data", mnist, "-classifier", "logreg", "-out", cls, "-quiet"})
	})
	if code != 0 {
		t.Fatalf("classify -model: exit %d\n%s", code, fromModel)
	}
	// The same features give the same logistic regression, from files or from the model.
	line := func(s string) string {
		for _, l := range strings.Split(s, "\n") {
			if strings.Contains(l, "logreg: test error") {
				return l[:strings.Index(l, "(fit")]
			}
		}
		return ""
	}
	if a, b := line(stderr), line(fromModel); a == "" || a != b {
		t.Errorf("logreg from files %q, from the model %q", a, b)
	}
	// Bad input names the problem.
	for _, args := range [][]string{
		{"classify", "-classifier", "forest"},
		{"classify", "-features", filepath.Join(dir, "rbm.npy")},
		{"classify", "-knn-k", "0"},
		{"transform", "-model", filepath.Join(out, "rbm1"), "-data", mnist, "-layer", "2", "-out", filepath.Join(dir, "x.npy")},
		{"transform", "-model", filepath.Join(out, "dbm"), "-data", mnist, "-layer", "3", "-out", filepath.Join(dir, "x.npy")},
		{"transform", "-model", filepath.Join(out, "rbm1"), "-data", mnist, "-out", filepath.Join(dir, "x.txt")},
	} {
		stderr := captureStderr(t, func() { code = run(args) })
		if code == 0 || !strings.Contains(stderr, "bm ") {
			t.Errorf("%v: exit %d\n%s", args, code, stderr)
		}
	}
}

// TestDataForms trains one epoch on the same rows given as .npy, .npz and CSV: the three runs
// end with the same weights, and a .npz of several arrays needs its key.
func TestDataForms(t *testing.T) {
	dir := t.TempDir()
	x := dataset.NewMatrix[float32](40, 6)
	for i := range x.Data {
		x.Data[i] = float32((i*7)%5) / 4
	}
	npy := filepath.Join(dir, "x.npy")
	if err := dataset.WriteNPY(npy, x); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(npy)
	npz := filepath.Join(dir, "x.npz")
	f, _ := os.Create(npz)
	z := zip.NewWriter(f)
	for _, name := range []string{"train.npy", "other.npy"} {
		w, _ := z.Create(name)
		w.Write(b)
	}
	z.Close()
	f.Close()
	var csv strings.Builder
	csv.WriteString("p0,p1,p2,p3,p4,p5\n")
	for i := 0; i < x.Rows; i++ {
		for j, v := range x.Row(i) {
			if j > 0 {
				csv.WriteString(",")
			}
			csv.WriteString(strconv.FormatFloat(float64(v), 'g', -1, 32))
		}
		csv.WriteString("\n")
	}
	csvPath := filepath.Join(dir, "x.csv")
	os.WriteFile(csvPath, []byte(csv.String()), 0o644)
	var ws [][]float64
	for i, data := range []string{npy, npz + ":train", csvPath} {
		out := filepath.Join(dir, fmt.Sprint("run", i))
		if code := run([]string{"train", "-data", data, "-n-train", "30", "-n-val", "10", "-n-hidden", "3", "-epochs", "1", "-out", out, "-quiet"}); code != 0 {
			t.Fatalf("bm train -data %s exited %d", data, code)
		}
		r, err := rbm.Load(filepath.Join(out, "model"))
		if err != nil {
			t.Fatal(err)
		}
		w, _, _, err := r.Weights()
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		ws = append(ws, w)
	}
	if !slices.Equal(ws[0], ws[1]) || !slices.Equal(ws[0], ws[2]) {
		t.Error("the same rows as .npy, .npz and CSV trained different models")
	}
	// bm info on the first run's model: what it is, how far trained, and the command.
	var code int
	out := captureStdout(t, func() { code = run([]string{"info", "-model", filepath.Join(dir, "run0")}) })
	for _, want := range []string{"kind       rbm (float32)", "layers     6-3", "units      bernoulli, bernoulli", "trained    1 of 1 epochs",
		"last epoch {\"epoch\":1", "train -data " + npy} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("bm info: exit %d, want %q in:\n%s", code, want, out)
		}
	}
	msg := captureStderr(t, func() { code = run([]string{"train", "-data", npz, "-out", filepath.Join(dir, "bad"), "-quiet"}) })
	if code == 0 || !strings.Contains(msg, "other, train") {
		t.Errorf("a .npz of two arrays without a key: exit %d, %q; want the keys listed", code, msg)
	}
}
