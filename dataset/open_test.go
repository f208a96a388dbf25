package dataset

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestOpenForms checks that Open tells every form by its path, refuses a CIFAR-10 batch file,
// and that Read scales a uint8 .npy file and refuses a file's test set.
func TestOpenForms(t *testing.T) {
	dir := t.TempDir()
	cifar, mnist := filepath.Join(dir, "cifar"), filepath.Join(dir, "mnist")
	for _, d := range []string{cifar, mnist} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{filepath.Join(cifar, "data_batch_1.bin"), filepath.Join(dir, "x.CSV"), filepath.Join(dir, "a.npz"), filepath.Join(dir, "images-idx3-ubyte")} {
		if err := os.WriteFile(f, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	npy := filepath.Join(dir, "x.npy")
	if err := WriteNPYBytes(npy, 2, 3, []byte{0, 51, 255, 0, 0, 102}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		path string
		form Form
		key  string
	}{
		{cifar, FormCIFAR10, ""}, {mnist, FormMNIST, ""}, {npy, FormNPY, ""}, {filepath.Join(dir, "x.CSV"), FormCSV, ""},
		{filepath.Join(dir, "a.npz"), FormNPZ, ""}, {filepath.Join(dir, "a.npz:w"), FormNPZ, "w"}, {filepath.Join(dir, "images-idx3-ubyte"), FormIDX, ""},
	} {
		src, err := Open(tc.path)
		if err != nil || src.Form != tc.form || src.Key != tc.key {
			t.Errorf("Open(%s) = %+v, %v; want form %d, key %q", tc.path, src, err, tc.form, tc.key)
		}
		if want := tc.form == FormCIFAR10 || tc.form == FormMNIST; src.Labeled() != want {
			t.Errorf("Open(%s).Labeled() = %v, want %v", tc.path, src.Labeled(), want)
		}
	}
	if _, err := Open(filepath.Join(cifar, "data_batch_1.bin")); err == nil || !strings.Contains(err.Error(), "pass the folder") {
		t.Errorf("Open of a batch file: %v, want a refusal naming the folder", err)
	}
	if _, err := Open(filepath.Join(dir, "missing")); !os.IsNotExist(err) {
		t.Errorf("Open of a missing path: %v, want a not-exist error", err)
	}
	src, _ := Open(npy)
	set, err := src.Read(false)
	if err != nil || !set.ScaledBytes || set.X.Rows != 2 || set.X.Data[2] != 1 || set.X.Data[1] != 0.2 {
		t.Errorf("Read of a uint8 .npy: %+v, %v; want 2 rows scaled to [0, 1]", set, err)
	}
	if _, err := src.Read(true); err == nil {
		t.Errorf("Read(test) of a file: no error")
	}
}
