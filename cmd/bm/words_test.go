package main

import (
	"archive/zip"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/boltzmann-go/boltzmann/dataset"
)

// Issue 29, point 7: wrong words, and data forms one command accepts and another refuses.
// (The model.json kind and Gaussian-visible edits are in TestModelJSONEdits.)

// TestClusterTimeoutNegative: --cluster-timeout -5s is refused for what it is (a negative
// duration), not with "expected one argument".
func TestClusterTimeoutNegative(t *testing.T) {
	for _, prog := range []string{"rbm-mnist", "dbm-mnist", "dbm-cifar", "dbm-cifar-naive"} {
		exitWith(t, 2, "argument --cluster-timeout: want a duration ≥ 0", prog, "--cluster-timeout", "-5s")
	}
}

// TestTransformDataForms: bm transform reads archive.npz:key and big-endian .npy as bm train
// does, with the same features as the little-endian .npy of the same rows.
func TestTransformDataForms(t *testing.T) {
	mnist, run := tinyRun(t)
	dir := t.TempDir()
	im, _, err := dataset.LoadMNIST(mnist, true)
	if err != nil {
		t.Fatal(err)
	}
	x := dataset.ToMatrix[float32](im).SliceRows(0, 30)
	npy := filepath.Join(dir, "x.npy")
	if err := dataset.WriteNPY(npy, x); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(npy)
	if err != nil {
		t.Fatal(err)
	}
	npz := filepath.Join(dir, "a.npz")
	f, err := os.Create(npz)
	if err != nil {
		t.Fatal(err)
	}
	z := zip.NewWriter(f)
	for _, name := range []string{"x.npy", "y.npy"} {
		w, _ := z.Create(name)
		w.Write(b)
	}
	z.Close()
	f.Close()
	// The same rows as numpy's x.astype('>f4').
	hdr := fmt.Sprintf("{'descr': '>f4', 'fortran_order': False, 'shape': (%d, %d), }", x.Rows, x.Cols)
	hdr += strings.Repeat(" ", 63-(10+len(hdr))%64) + "\n"
	be := append([]byte("\x93NUMPY\x01\x00"), byte(len(hdr)), byte(len(hdr)>>8))
	be = append(be, hdr...)
	for _, v := range x.Data {
		be = binary.BigEndian.AppendUint32(be, math.Float32bits(v))
	}
	bigEndian := filepath.Join(dir, "be.npy")
	if err := os.WriteFile(bigEndian, be, 0o644); err != nil {
		t.Fatal(err)
	}
	features := func(data string) []float32 {
		t.Helper()
		out := filepath.Join(t.TempDir(), "f.npy")
		bm(t, "transform", "-model", run, "-data", data, "-out", out, "-quiet")
		m, err := dataset.ReadNPY[float32](out)
		if err != nil {
			t.Fatal(err)
		}
		return m.Data
	}
	want := features(npy)
	for _, data := range []string{npz + ":x", bigEndian} {
		if got := features(data); !slices.Equal(got, want) {
			t.Errorf("bm transform -data %s: features differ from the .npy's", data)
		}
	}
	bm(t, "train", "-data", bigEndian, "-n-train", "20", "-n-val", "10", "-n-hidden", "2", "-epochs", "1", "-samples", "0",
		"-out", filepath.Join(dir, "o"), "-quiet")
}
