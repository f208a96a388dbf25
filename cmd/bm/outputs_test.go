package main

import (
	"encoding/binary"
	"fmt"
	"image"
	_ "image/jpeg" // image.DecodeConfig of bm sample's JPEG
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/boltzmann-go/boltzmann/dataset"
)

// Issue 29, points 5 and 7: outputs that would clobber each other, wrong exit codes and
// formats, and a 1-D .npy taken for a data set.

// tinyRun trains a small Bernoulli RBM on an 8×8 labelled MNIST folder and returns the folder
// and the run folder.
func tinyRun(t *testing.T) (mnist, run string) {
	t.Helper()
	dir := t.TempDir()
	mnist, run = filepath.Join(dir, "mnist"), filepath.Join(dir, "run")
	writeLabeledMNIST(t, mnist, 100, 20)
	bm(t, "train", "-data", mnist, "-n-train", "80", "-n-val", "20", "-n-hidden", "4", "-epochs", "1", "-metrics", "msre",
		"-samples", "0", "-out", run, "-quiet")
	return mnist, run
}

// exitWith runs bm with args and fails the test unless it exits with code and stderr holds want.
func exitWith(t *testing.T, code int, want string, args ...string) {
	t.Helper()
	var got int
	stderr := captureStderr(t, func() { got = run(args) })
	if got != code || !strings.Contains(stderr, want) {
		t.Errorf("bm %s: exit %d, want %d with %q:\n%s", strings.Join(args, " "), got, code, want, stderr)
	}
}

// TestTransformSameOutAndLabels: -labels-out naming the -out file (directly or through another
// spelling) is refused before anything is written, instead of overwriting the features.
func TestTransformSameOutAndLabels(t *testing.T) {
	mnist, run := tinyRun(t)
	dir := t.TempDir()
	f := filepath.Join(dir, "f.npy")
	for _, labels := range []string{f, filepath.Join(dir, "sub", "..", "f.npy")} {
		exitWith(t, 2, "-labels-out", "transform", "-model", run, "-data", mnist, "-out", f, "-labels-out", labels, "-quiet")
		if _, err := os.Stat(f); err == nil {
			t.Errorf("a refused bm transform wrote %s", f)
		}
	}
	bm(t, "transform", "-model", run, "-data", mnist, "-out", f, "-labels-out", filepath.Join(dir, "y.npy"), "-quiet")
	if m, err := dataset.ReadNPY[float32](f); err != nil || m.Cols != 4 {
		t.Errorf("features: %v, %v", m, err)
	}
}

// TestExportBadName: a model name with a path separator is a usage error (exit 2) naming -name.
func TestExportBadName(t *testing.T) {
	_, run := tinyRun(t)
	for _, name := range []string{"a/b", "..", `a\b`} {
		exitWith(t, 2, "-name", "export", "-model", filepath.Join(run, "model"), "-base", t.TempDir(), "-name", name)
	}
}

// TestSampleFormats: bm sample -out x.jpg writes JPEG (not PNG bytes under a .jpg name), -out
// x.png PNG, and another extension is a usage error.
func TestSampleFormats(t *testing.T) {
	_, run := tinyRun(t)
	dir := t.TempDir()
	for name, format := range map[string]string{"x.jpg": "jpeg", "x.JPEG": "jpeg", "x.png": "png"} {
		path := filepath.Join(dir, name)
		bm(t, "sample", "-model", filepath.Join(run, "model"), "-chains", "4", "-steps", "2", "-image-shape", "8,8,1", "-out", path)
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		_, got, err := image.DecodeConfig(f)
		f.Close()
		if err != nil || got != format {
			t.Errorf("bm sample -out %s: format %q (%v), want %s", name, got, err, format)
		}
	}
	exitWith(t, 2, "-out", "sample", "-model", filepath.Join(run, "model"), "-image-shape", "8,8,1", "-out", filepath.Join(dir, "x.gif"))
}

// TestNPY1DRefused: a 1-D .npy is refused as data by bm train and bm transform with its shape,
// instead of being read as rows of one feature.
func TestNPY1DRefused(t *testing.T) {
	_, run := tinyRun(t)
	path := filepath.Join(t.TempDir(), "v.npy")
	const n = 64
	hdr := fmt.Sprintf("{'descr': '<f4', 'fortran_order': False, 'shape': (%d,), }", n)
	hdr += strings.Repeat(" ", 63-(10+len(hdr))%64) + "\n"
	b := append([]byte("\x93NUMPY\x01\x00"), byte(len(hdr)), byte(len(hdr)>>8))
	b = append(b, hdr...)
	for i := 0; i < n; i++ {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(float32(i%2)))
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if shape, err := dataset.NPYShape(path); err != nil || len(shape) != 1 || shape[0] != n {
		t.Fatalf("NPYShape: %v, %v; want [%d]", shape, err, n)
	}
	exitWith(t, 1, "1-D array of 64 values", "train", "-data", path, "-n-train", "40", "-n-val", "10", "-n-hidden", "2", "-epochs", "1",
		"-out", filepath.Join(t.TempDir(), "o"), "-quiet")
	exitWith(t, 1, "1-D array of 64 values", "transform", "-model", run, "-data", path, "-out", filepath.Join(t.TempDir(), "f.npy"), "-quiet")
}
