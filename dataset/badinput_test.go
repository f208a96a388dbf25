package dataset

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Loaders used by TestBadInputFiles: each reads the named file in dir.
func readImagesIn(name string) func(dir string) error {
	return func(dir string) error { _, err := ReadIDXImages(filepath.Join(dir, name)); return err }
}

func readLabelsIn(name string) func(dir string) error {
	return func(dir string) error { _, err := ReadIDXLabels(filepath.Join(dir, name)); return err }
}

func readCIFARIn(name string) func(dir string) error {
	return func(dir string) error { _, _, err := ReadCIFAR10Batch(filepath.Join(dir, name)); return err }
}

func readNPYIn(name string) func(dir string) error {
	return func(dir string) error { _, err := ReadNPY[float32](filepath.Join(dir, name)); return err }
}

func loadMNISTTrain(dir string) error { _, _, err := LoadMNIST(dir, true); return err }

// TestBadInputFiles writes malformed files into a temporary directory and
// checks that reading each one fails with the right sentinel error, an
// error text that names the file and the problem, and no panic.
func TestBadInputFiles(t *testing.T) {
	img := encodeIDX(idxUint8, []uint32{3, 4, 4}, seq(48, 0, 1))
	gzImg := gzipBytes(t, img)
	corruptCRC := append([]byte(nil), gzImg...)
	corruptCRC[len(corruptCRC)-8] ^= 0xFF // first byte of the CRC-32 trailer
	okLabels := encodeIDX(idxUint8, []uint32{3}, []byte{1, 2, 3})
	okF8 := "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }"

	for _, tc := range []struct {
		name    string
		files   map[string][]byte
		load    func(dir string) error
		want    error
		mention []string // besides the file name, which must always appear
		file    string   // the file the error must name
	}{
		{"idx truncated pixels", map[string][]byte{"a-idx3": img[:16+20]}, readImagesIn("a-idx3"),
			ErrTruncated, []string{"3×4×4", "need 48 data bytes", "has 20"}, "a-idx3"},
		{"idx trailing bytes", map[string][]byte{"a-idx3": append(append([]byte(nil), img...), 0)}, readImagesIn("a-idx3"),
			ErrFormat, []string{"trailing"}, "a-idx3"},
		{"idx wrong magic", map[string][]byte{"a-idx3": append([]byte{0x12, 0x34, 0x08, 0x03}, img[4:]...)}, readImagesIn("a-idx3"),
			ErrFormat, []string{"bad magic number", "0x12340803"}, "a-idx3"},
		{"idx shorter than magic", map[string][]byte{"a-idx3": {0, 0}}, readImagesIn("a-idx3"),
			ErrTruncated, []string{"magic"}, "a-idx3"},
		{"idx empty file", map[string][]byte{"a-idx3": {}}, readImagesIn("a-idx3"),
			ErrTruncated, []string{"magic"}, "a-idx3"},
		{"idx header cut in dims", map[string][]byte{"a-idx3": img[:9]}, readImagesIn("a-idx3"),
			ErrTruncated, []string{"dimensions"}, "a-idx3"},
		{"idx billions of images", map[string][]byte{"a-idx3": encodeIDX(idxUint8, []uint32{3_000_000_000, 28, 28}, seq(784, 0, 1))}, readImagesIn("a-idx3"),
			ErrTruncated, []string{"3000000000×28×28", "2352000000000"}, "a-idx3"},
		{"idx float32 dtype", map[string][]byte{"a-idx3": encodeIDX(idxFloat32, []uint32{1, 1, 1}, seq(4, 0, 0))}, readImagesIn("a-idx3"),
			ErrUnsupported, []string{"0x0d", "unsigned byte"}, "a-idx3"},
		{"idx invalid dtype", map[string][]byte{"a-idx3": encodeIDX(0x07, []uint32{1, 1, 1}, seq(1, 0, 0))}, readImagesIn("a-idx3"),
			ErrFormat, []string{"invalid element type code 0x07"}, "a-idx3"},
		{"idx labels file read as images", map[string][]byte{"l-idx1": okLabels}, readImagesIn("l-idx1"),
			ErrFormat, []string{"rank 1, want 3"}, "l-idx1"},
		{"idx images file read as labels", map[string][]byte{"a-idx3": img}, readLabelsIn("a-idx3"),
			ErrFormat, []string{"rank 3, want 1"}, "a-idx3"},
		{"idx zero-width images", map[string][]byte{"a-idx3": encodeIDX(idxUint8, []uint32{5, 28, 0}, nil)}, readImagesIn("a-idx3"),
			ErrFormat, []string{"empty"}, "a-idx3"},
		{"gz name but not gzip", map[string][]byte{"a-idx3.gz": []byte("this is plain text, not gzip")}, readImagesIn("a-idx3.gz"),
			ErrFormat, []string{"bad magic number"}, "a-idx3.gz"},
		{"gzip magic, broken header", map[string][]byte{"a-idx3.gz": {0x1f, 0x8b, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}}, readImagesIn("a-idx3.gz"),
			ErrFormat, []string{"gzip"}, "a-idx3.gz"},
		{"gzip truncated", map[string][]byte{"a-idx3.gz": gzImg[:len(gzImg)/2]}, readImagesIn("a-idx3.gz"),
			ErrTruncated, []string{"ends early"}, "a-idx3.gz"},
		{"gzip bad checksum", map[string][]byte{"a-idx3.gz": corruptCRC}, readImagesIn("a-idx3.gz"),
			ErrFormat, []string{"corrupt gzip", "checksum"}, "a-idx3.gz"},
		{"missing file", nil, readImagesIn("nope-idx3"),
			fs.ErrNotExist, nil, "nope-idx3"},
		{"mnist label count differs", map[string][]byte{
			MNISTTrainImages: img,
			MNISTTrainLabels: encodeIDX(idxUint8, []uint32{2}, []byte{1, 2}),
		}, loadMNISTTrain, ErrShape, []string{"2 labels", "3 images", MNISTTrainImages}, MNISTTrainLabels},
		{"mnist label above 9", map[string][]byte{
			MNISTTrainImages: img,
			MNISTTrainLabels: encodeIDX(idxUint8, []uint32{3}, []byte{1, 12, 3}),
		}, loadMNISTTrain, ErrFormat, []string{"label 1 is 12"}, MNISTTrainLabels},
		{"mnist missing labels", map[string][]byte{MNISTTrainImages: img}, loadMNISTTrain,
			fs.ErrNotExist, []string{MNISTTrainLabels + ".gz", "fetch-mnist"}, MNISTTrainLabels},
		{"cifar length not a multiple of 3073", map[string][]byte{"data_batch_1.bin": cifarRecordBytes(1, cifarPix(0))[:3000]}, readCIFARIn("data_batch_1.bin"),
			ErrTruncated, []string{"3000", "3073"}, "data_batch_1.bin"},
		{"cifar one and a half records", map[string][]byte{"b.bin": append(cifarRecordBytes(1, cifarPix(0)), make([]byte, 1500)...)}, readCIFARIn("b.bin"),
			ErrTruncated, []string{"4573", "3073"}, "b.bin"},
		{"cifar empty", map[string][]byte{"b.bin": {}}, readCIFARIn("b.bin"),
			ErrTruncated, []string{"length 0"}, "b.bin"},
		{"cifar label 10", map[string][]byte{"b.bin": append(cifarRecordBytes(1, cifarPix(0)), cifarRecordBytes(10, cifarPix(1))...)}, readCIFARIn("b.bin"),
			ErrFormat, []string{"record 1 has label 10"}, "b.bin"},
		{"npy bad magic", map[string][]byte{"x.npy": append([]byte("\x93NUMPZ"), npyBytes(1, okF8, f64le(1, 2, 3, 4))[6:]...)}, readNPYIn("x.npy"),
			ErrFormat, []string{"bad magic"}, "x.npy"},
		{"npy version 4", map[string][]byte{"x.npy": npyBytes(4, okF8, f64le(1, 2, 3, 4))}, readNPYIn("x.npy"),
			ErrUnsupported, []string{"version 4.0"}, "x.npy"},
		{"npy garbage header", map[string][]byte{"x.npy": npyBytes(1, "{'descr' '<f8', 'fortran_order': False, 'shape': (2, 2), }", f64le(1, 2, 3, 4))}, readNPYIn("x.npy"),
			ErrFormat, []string{"bad header", "missing ':'"}, "x.npy"},
		{"npy header without shape", map[string][]byte{"x.npy": npyBytes(1, "{'descr': '<f8', 'fortran_order': False}", f64le(1))}, readNPYIn("x.npy"),
			ErrFormat, []string{`no "shape" key`}, "x.npy"},
		{"npy header longer than file", map[string][]byte{"x.npy": npyBytes(1, okF8, nil)[:40]}, readNPYIn("x.npy"),
			ErrTruncated, []string{"header length 118", "file size 40"}, "x.npy"},
		{"npy complex dtype", map[string][]byte{"x.npy": npyBytes(1, "{'descr': '<c8', 'fortran_order': False, 'shape': (2,), }", make([]byte, 8))}, readNPYIn("x.npy"),
			ErrUnsupported, []string{`"<c8"`, "not supported"}, "x.npy"},
		{"npy string dtype", map[string][]byte{"x.npy": npyBytes(1, "{'descr': '|S4', 'fortran_order': False, 'shape': (2,), }", make([]byte, 8))}, readNPYIn("x.npy"),
			ErrUnsupported, []string{`"|S4"`, "not supported"}, "x.npy"},
		{"npy rank 3", map[string][]byte{"x.npy": npyBytes(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 2, 2), }", f64le(1, 2, 3, 4))}, readNPYIn("x.npy"),
			ErrUnsupported, []string{"rank 3"}, "x.npy"},
		{"npy data too short", map[string][]byte{"x.npy": npyBytes(1, okF8, f64le(1, 2, 3))}, readNPYIn("x.npy"),
			ErrTruncated, []string{"needs 32 data bytes", "has 24"}, "x.npy"},
		{"npy data too long", map[string][]byte{"x.npy": npyBytes(1, okF8, f64le(1, 2, 3, 4, 5))}, readNPYIn("x.npy"),
			ErrFormat, []string{"trailing"}, "x.npy"},
		{"npy shape overflows", map[string][]byte{"x.npy": npyBytes(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (4611686018427387904, 8), }", nil)}, readNPYIn("x.npy"),
			ErrFormat, []string{"too large"}, "x.npy"},
		{"npy huge shape, little data", map[string][]byte{"x.npy": npyBytes(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (100000000, 784), }", make([]byte, 64))}, readNPYIn("x.npy"),
			ErrTruncated, []string{"313600000000"}, "x.npy"},
		{"standardizer not JSON", map[string][]byte{"s.json": []byte("{mean: 1")}, func(dir string) error {
			_, err := LoadStandardizer(filepath.Join(dir, "s.json"))
			return err
		}, ErrFormat, []string{"JSON"}, "s.json"},
		{"standardizer lengths differ", map[string][]byte{"s.json": []byte(`{"mean":[1,2],"std":[1]}`)}, func(dir string) error {
			_, err := LoadStandardizer(filepath.Join(dir, "s.json"))
			return err
		}, ErrFormat, []string{"2 means but 1 standard deviations"}, "s.json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, b := range tc.files {
				writeFile(t, dir, name, b)
			}
			err := tc.load(dir)
			if err == nil {
				t.Fatalf("no error")
			}
			if !errors.Is(err, tc.want) {
				t.Errorf("error %q does not wrap %v", err, tc.want)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "dataset: ") {
				t.Errorf("error %q lacks the \"dataset: \" prefix", msg)
			}
			if strings.Count(msg, "dataset: ") > 1 {
				t.Errorf("error %q names the package more than once", msg)
			}
			for _, s := range append([]string{tc.file}, tc.mention...) {
				if !strings.Contains(msg, s) {
					t.Errorf("error %q does not mention %q", msg, s)
				}
			}
		})
	}
}

// TestBadInputReaders checks that the reader decoders, which cannot check
// sizes up front, report the same problems as the file readers.
func TestBadInputReaders(t *testing.T) {
	img := encodeIDX(idxUint8, []uint32{3, 4, 4}, seq(48, 0, 1))
	for _, tc := range []struct {
		name string
		run  func() error
		want error
	}{
		{"idx truncated", func() error { _, err := DecodeIDXImages(bytes.NewReader(img[:30])); return err }, ErrTruncated},
		{"idx trailing", func() error { _, err := DecodeIDXImages(bytes.NewReader(append(img, 1))); return err }, ErrFormat},
		{"idx gzip truncated", func() error {
			gz := gzipBytes(t, img)
			_, err := DecodeIDXImages(bytes.NewReader(gz[:len(gz)-4]))
			return err
		}, ErrTruncated},
		{"labels truncated", func() error {
			_, err := DecodeIDXLabels(bytes.NewReader(encodeIDX(idxUint8, []uint32{5}, []byte{1})))
			return err
		}, ErrTruncated},
		{"cifar partial", func() error { _, _, err := DecodeCIFAR10(bytes.NewReader(make([]byte, 3074))); return err }, ErrTruncated},
		{"cifar empty", func() error { _, _, err := DecodeCIFAR10(bytes.NewReader(nil)); return err }, ErrTruncated},
		{"npy truncated data", func() error {
			_, err := DecodeNPY[float64](bytes.NewReader(npyBytes(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", f64le(1))))
			return err
		}, ErrTruncated},
		{"npy truncated header", func() error {
			_, err := DecodeNPY[float64](bytes.NewReader(npyBytes(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", nil)[:30]))
			return err
		}, ErrTruncated},
		{"npy huge header length", func() error {
			_, err := DecodeNPY[float64](bytes.NewReader([]byte("\x93NUMPY\x02\x00\xff\xff\xff\xff{")))
			return err
		}, ErrFormat},
	} {
		err := tc.run()
		if !errors.Is(err, tc.want) || !strings.HasPrefix(err.Error(), "dataset: ") {
			t.Errorf("%s: err = %v, want %v", tc.name, err, tc.want)
		}
	}
}

// TestReadDirectoryIsAnError checks that a directory given as a file path
// is an error, not a hang or a panic.
func TestReadDirectoryIsAnError(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "d"), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadIDXImages(filepath.Join(dir, "d")); err == nil {
		t.Errorf("ReadIDXImages(directory) succeeded")
	}
}

// TestNoDoubledPrefix checks that a step wrapping another step's error names the package once:
// "dataset: split: nil matrix", not "dataset: split: dataset: nil matrix" (issue 26).
func TestNoDoubledPrefix(t *testing.T) {
	_, _, _, _, err1 := Split[float64](nil, nil, 0, 0, 1)
	_, _, err2 := Augment(&Images{N: 1, Height: 2, Width: 2, Channels: 1, Pix: []uint8{1}}, []int{0}, AugmentOptions{})
	err3 := WriteNPY[float64](filepath.Join(t.TempDir(), "x.npy"), nil)
	for _, err := range []error{err1, err2, err3} {
		if err == nil || strings.Count(err.Error(), "dataset: ") != 1 {
			t.Errorf("%v: want an error naming the package once", err)
		}
	}
}
