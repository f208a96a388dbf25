package main

import (
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/boltzmann-go/boltzmann/internal/fixtures"
)

// TestComplete runs bm complete with each kind of mask and both methods on a small 28×28 MNIST
// folder, and checks its usage errors.
func TestComplete(t *testing.T) {
	dir := t.TempDir()
	mnist := filepath.Join(dir, "mnist")
	writeMNIST28(t, mnist, 60, 12)
	run := filepath.Join(dir, "run")
	bm(t, "train", "-data", mnist, "-n-train", "50", "-n-val", "10", "-n-hidden", "8", "-epochs", "1", "-metrics", "msre",
		"-samples", "0", "-out", run, "-quiet")
	maskPNG := filepath.Join(dir, "mask.png")
	img := image.NewGray(image.Rect(0, 0, 28, 28))
	for y := range 28 {
		for x := range 14 {
			img.SetGray(x, y, color.Gray{Y: 255})
		}
	}
	f, err := os.Create(maskPNG)
	if err != nil {
		t.Fatal(err)
	}
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	f.Close()
	for i, args := range [][]string{
		{"-mask", "top"},
		{"-mask", "left", "-mean-field"},
		{"-mask", "random:0.5", "-sweeps", "20"},
		{"-mask", maskPNG, "-samples", "0", "-mean-field"},
	} {
		out := filepath.Join(dir, "grid"+string(rune('a'+i))+".png")
		bm(t, append([]string{"complete", "-model", run, "-data", mnist, "-sweeps", "30", "-grid", "4", "-out", out, "-quiet"}, args...)...)
		if st, err := os.Stat(out); err != nil || st.Size() == 0 {
			t.Errorf("%v: no grid (%v)", args, err)
		}
	}
	base := []string{"complete", "-model", run, "-data", mnist, "-quiet", "-out", filepath.Join(dir, "x.png")}
	for _, tc := range []struct {
		flag string
		args []string
	}{
		{"-mask", []string{"-mask", "middle"}},
		{"-mask", []string{"-mask", "random:1.5"}},
		{"-mask", []string{"-mask", filepath.Join(dir, "none.png")}},
		{"-out", []string{"-out", filepath.Join(dir, "x.jpg")}},
		{"-grid", []string{"-grid", "0"}},
	} {
		exitWith(t, 2, tc.flag, append(base, tc.args...)...)
	}
	exitWith(t, 1, "burn-in", append(base, "-sweeps", "10", "-burn-in", "10")...)
	exitWith(t, 2, "-classify", append(base, "-classify", "-1")...)

	// A DBM completes the same way, and -classify reads the completions.
	dbmRun := filepath.Join(dir, "dbm")
	bm(t, "dbm", "-data", mnist, "-n-train", "50", "-n-val", "10", "-n-hiddens", "6,4", "-rbm-epochs", "1,1", "-rbm-batch-size", "10,10",
		"-epochs", "1", "-batch-size", "10", "-n-particles", "10", "-max-mf-updates", "5", "-ais-betas", "0", "-out", dbmRun, "-quiet")
	for _, args := range [][]string{{"-mask", "top", "-classify", "60", "-classify-max-iter", "20"}, {"-mask", "right", "-mean-field", "-samples", "1"}} {
		out := filepath.Join(dir, "dbm_grid.png")
		os.Remove(out)
		got := bmOut(t, append([]string{"complete", "-model", filepath.Join(dbmRun, "dbm"), "-data", mnist, "-sweeps", "30", "-grid", "4", "-out", out, "-quiet"}, args...)...)
		if st, err := os.Stat(out); err != nil || st.Size() == 0 {
			t.Errorf("DBM %v: no grid (%v)", args, err)
		}
		if !strings.Contains(got, "with a DBM") {
			t.Errorf("DBM %v: output %q does not name the DBM", args, got)
		}
		if args[len(args)-1] == "20" && !strings.Contains(got, "dbm completion (one Gibbs sample)") {
			t.Errorf("DBM -classify: output %q has no classifier table", got)
		}
	}
}

// writeMNIST28 writes an MNIST folder of nTrain and nTest 28×28 images of 10 classes (noisy
// copies of a random prototype each) with their labels.
func writeMNIST28(t *testing.T, dir string, nTrain, nTest int) {
	t.Helper()
	if _, err := (fixtures.MNIST{Side: 28, Train: nTrain, Test: nTest, Seed: 5, White: 1}).Write(dir); err != nil {
		t.Fatal(err)
	}
}

// bmOut runs bm with args, fails the test on a non-zero exit and returns its standard output.
func bmOut(t *testing.T, args ...string) string {
	t.Helper()
	var code int
	var stderr string
	stdout := captureStdout(t, func() { stderr = captureStderr(t, func() { code = run(args) }) })
	if code != 0 {
		t.Fatalf("bm %s: exit %d\n%s", strings.Join(args, " "), code, stderr)
	}
	return stdout
}
