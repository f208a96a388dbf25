package dataset

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/boltzmann-go/boltzmann/internal/nest"
)

// CIFAR-10 binary format constants: each record is one label byte followed
// by 32×32 red, then green, then blue bytes, each plane row-major (see the
// "binary version" section of https://www.cs.toronto.edu/~kriz/cifar.html).
const (
	cifarSide    = 32
	cifarPixels  = 3 * cifarSide * cifarSide // 3072
	cifarRecord  = 1 + cifarPixels           // 3073
	cifarClasses = 10
)

// cifarTrainFiles and cifarTestFile are the file names of the official
// CIFAR-10 binary version, as LoadCIFAR10 expects them.
var cifarTrainFiles = []string{"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin"}

const cifarTestFile = "test_batch.bin"

// decodeCIFAR10 decodes CIFAR-10 records from r. size is the input length
// when known, or -1; when known it is checked before anything is allocated.
func decodeCIFAR10(r io.Reader, size int64) (*Images, []int, error) {
	const what = "CIFAR-10 batch"
	if size >= 0 && (size == 0 || size%cifarRecord != 0) {
		return nil, nil, fmt.Errorf("%s: length %d is not a positive multiple of the %d-byte record: %w",
			what, size, cifarRecord, ErrTruncated)
	}
	var buf []byte
	var err error
	if size >= 0 {
		buf, err = readExactly(r, int(size))
		if err == nil {
			err = expectEOF(r, what)
		}
	} else {
		buf, err = io.ReadAll(r) // grows only as data arrives
	}
	if err != nil {
		return nil, nil, readErr(what, err)
	}
	if len(buf) == 0 || len(buf)%cifarRecord != 0 {
		return nil, nil, fmt.Errorf("%s: length %d is not a positive multiple of the %d-byte record: %w",
			what, len(buf), cifarRecord, ErrTruncated)
	}
	n := len(buf) / cifarRecord
	im := &Images{N: n, Height: cifarSide, Width: cifarSide, Channels: 3, Pix: make([]uint8, n*cifarPixels)}
	labels := make([]int, n)
	for i := range n {
		rec := buf[i*cifarRecord : (i+1)*cifarRecord]
		if rec[0] >= cifarClasses {
			return nil, nil, fmt.Errorf("%s: record %d has label %d, want 0..9: %w", what, i, rec[0], ErrFormat)
		}
		labels[i] = int(rec[0])
		// The record's R, G, B planes are already channel-major.
		copy(im.Pix[i*cifarPixels:(i+1)*cifarPixels], rec[1:])
	}
	return im, labels, nil
}

// DecodeCIFAR10 decodes a CIFAR-10 binary batch from r: records of one label
// byte (0..9) followed by 3072 pixel bytes (1024 red, 1024 green, 1024 blue,
// each 32×32 row-major), 3073 bytes per record. The images are 32×32×3,
// channel-major, so a row of ToMatrix is the original's flattened vector.
// An input that is empty or whose length is not a multiple of 3073 gives an
// error wrapping ErrTruncated; a label above 9 gives ErrFormat.
func DecodeCIFAR10(r io.Reader) (*Images, []int, error) {
	im, l, err := decodeCIFAR10(r, -1)
	if err != nil {
		return nil, nil, nest.Within("dataset: ", err)
	}
	return im, l, nil
}

// ReadCIFAR10Batch reads one CIFAR-10 binary batch file (see DecodeCIFAR10).
// The file size is checked before the data is read. Errors name the file.
func ReadCIFAR10Batch(path string) (*Images, []int, error) {
	f, size, err := openSized(path)
	if err != nil {
		return nil, nil, fileErr(path, err)
	}
	defer f.Close()
	im, l, err := decodeCIFAR10(f, size)
	if err != nil {
		return nil, nil, fileErr(path, err)
	}
	return im, l, nil
}

// LoadCIFAR10 reads the CIFAR-10 training set (train=true: data_batch_1.bin
// … data_batch_5.bin, concatenated in that order) or test set (train=false:
// test_batch.bin) from dir, normally data/cifar-10-batches-bin. These are
// the files of the official "CIFAR-10 binary version"; the Python pickles
// that the original project reads are not supported. A missing file gives
// an error wrapping fs.ErrNotExist that lists the files expected in dir.
func LoadCIFAR10(dir string, train bool) (*Images, []int, error) {
	names := []string{cifarTestFile}
	if train {
		names = cifarTrainFiles
	}
	for _, name := range names {
		p := filepath.Join(dir, name)
		if _, err := os.Stat(p); err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil, nil, fmt.Errorf("dataset: CIFAR-10: %s not found; expected the official binary version files %v (training) and %s (test) in %s (get \"CIFAR-10 binary version\" from https://www.cs.toronto.edu/~kriz/cifar.html): %w",
					p, cifarTrainFiles, cifarTestFile, dir, fs.ErrNotExist)
			}
			return nil, nil, fileErr(p, err)
		}
	}
	parts := make([]*Images, len(names))
	var parLabels [][]int
	n := 0
	for k, name := range names {
		im, l, err := ReadCIFAR10Batch(filepath.Join(dir, name))
		if err != nil {
			return nil, nil, err
		}
		parts[k] = im
		parLabels = append(parLabels, l)
		n += im.N
	}
	all := &Images{N: n, Height: cifarSide, Width: cifarSide, Channels: 3, Pix: make([]uint8, 0, n*cifarPixels)}
	labels := make([]int, 0, n)
	for k, im := range parts {
		all.Pix = append(all.Pix, im.Pix...)
		labels = append(labels, parLabels[k]...)
	}
	return all, labels, nil
}
