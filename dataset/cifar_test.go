package dataset

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// cifarPix is the test pattern: a value that depends on channel, row and
// column so that any layout mistake shows.
func cifarPix(rec int) func(c, r, col int) byte {
	return func(c, r, col int) byte { return byte(rec*37 + c*101 + r*7 + col) }
}

func TestDecodeCIFAR10Layout(t *testing.T) {
	var file []byte
	file = append(file, cifarRecordBytes(3, cifarPix(0))...)
	file = append(file, cifarRecordBytes(9, cifarPix(1))...)
	path := writeFile(t, t.TempDir(), "data_batch_1.bin", file)
	im, labels, err := ReadCIFAR10Batch(path)
	if err != nil {
		t.Fatal(err)
	}
	if im.N != 2 || im.Height != 32 || im.Width != 32 || im.Channels != 3 || im.Dim() != 3072 {
		t.Fatalf("got N%d %d×%d×%d", im.N, im.Height, im.Width, im.Channels)
	}
	if !slices.Equal(labels, []int{3, 9}) {
		t.Errorf("labels = %v, want [3 9]", labels)
	}
	for i := range 2 {
		for c := range 3 {
			for r := range 32 {
				for col := range 32 {
					got := im.Pix[i*3072+c*1024+r*32+col]
					if want := cifarPix(i)(c, r, col); got != want {
						t.Fatalf("image %d channel %d (%d,%d) = %d, want %d", i, c, r, col, got, want)
					}
				}
			}
		}
	}
	// The reader path gives the same result.
	im2, l2, err := DecodeCIFAR10(bytes.NewReader(file))
	if err != nil || !bytes.Equal(im2.Pix, im.Pix) || !slices.Equal(l2, labels) {
		t.Errorf("DecodeCIFAR10 differs from ReadCIFAR10Batch: %v", err)
	}
}

func TestLoadCIFAR10(t *testing.T) {
	dir := t.TempDir()
	for k, name := range cifarTrainFiles {
		writeFile(t, dir, name, cifarRecordBytes(byte(k), cifarPix(k)))
	}
	writeFile(t, dir, cifarTestFile, append(cifarRecordBytes(8, cifarPix(8)), cifarRecordBytes(7, cifarPix(9))...))
	im, labels, err := LoadCIFAR10(dir, true)
	if err != nil {
		t.Fatal(err)
	}
	if im.N != 5 || !slices.Equal(labels, []int{0, 1, 2, 3, 4}) {
		t.Fatalf("train: N=%d labels %v", im.N, labels)
	}
	for k := range 5 {
		if got, want := im.Pix[k*3072+2*1024+31*32+31], cifarPix(k)(2, 31, 31); got != want {
			t.Errorf("train image %d last blue pixel = %d, want %d", k, got, want)
		}
	}
	im, labels, err = LoadCIFAR10(dir, false)
	if err != nil || im.N != 2 || !slices.Equal(labels, []int{8, 7}) {
		t.Fatalf("test: %v N=%d labels %v", err, im.N, labels)
	}
	if err := os.Remove(filepath.Join(dir, "data_batch_3.bin")); err != nil {
		t.Fatal(err)
	}
	_, _, err = LoadCIFAR10(dir, true)
	if !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("missing batch: err = %v, want fs.ErrNotExist", err)
	}
	for _, s := range []string{"data_batch_3.bin", "data_batch_1.bin", "data_batch_5.bin", "test_batch.bin", dir, "binary version"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("missing-file error %q does not mention %q", err, s)
		}
	}
}
