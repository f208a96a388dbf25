package dataset

import (
	"fmt"
	"io"
	"strings"

	"github.com/boltzmann-go/boltzmann/internal/atomicfile"
)

// WriteNPYBytes writes a rows×cols array of uint8 ("|u1") to path atomically: raw pixels, a
// quarter of float32's size (the original caches its augmented CIFAR-10 images so). ReadNPY
// reads it back as values 0…255.
func WriteNPYBytes(path string, rows, cols int, data []uint8) error {
	if rows < 0 || cols < 0 || len(data) != rows*cols {
		return fmt.Errorf("dataset: write %s: %d bytes for a %d×%d array: %w", path, len(data), rows, cols, ErrShape)
	}
	err := atomicfile.Write(path, func(w io.Writer) error {
		if err := writeNPYHeader(w, "|u1", rows, cols); err != nil {
			return err
		}
		_, err := w.Write(data)
		return err
	})
	if err != nil {
		return fmt.Errorf("dataset: write %s: %w", path, err)
	}
	return nil
}

// ReadNPYBytes reads a 1-D or 2-D uint8 ("|u1") .npy file as its raw bytes, without the
// conversion to floating point ReadNPY makes. Other dtypes are refused. Errors name the file.
func ReadNPYBytes(path string) (rows, cols int, data []uint8, err error) {
	f, size, err := openSized(path)
	if err != nil {
		return 0, 0, nil, fileErr(path, err)
	}
	defer f.Close()
	l, err := readNPYHeader(f, size)
	if err == nil && !strings.HasSuffix(l.descr, "u1") {
		err = fmt.Errorf("npy: dtype %q, want |u1 (uint8): %w", l.descr, ErrUnsupported)
	}
	if err == nil && l.fortran && l.rows > 1 && l.cols > 1 {
		err = fmt.Errorf("npy: fortran_order True: read it with ReadNPY, or save it C-contiguous: %w", ErrUnsupported)
	}
	if err != nil {
		return 0, 0, nil, fileErr(path, err)
	}
	if data, err = readExactly(f, int(l.nbytes)); err != nil {
		return 0, 0, nil, fileErr(path, readErr(fmt.Sprintf("npy: reading %d data bytes", l.nbytes), err))
	}
	return l.rows, l.cols, data, nil
}
