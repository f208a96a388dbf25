package dataset

import (
	"fmt"
	"io"

	"github.com/boltzmann-go/boltzmann/internal/atomicfile"
	"github.com/boltzmann-go/boltzmann/internal/nest"
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
		return nest.Within(fmt.Sprintf("dataset: write %s", path), err)
	}
	return nil
}

// ReadNPYBytes reads a 1-D or 2-D uint8 ("|u1") .npy file as its raw bytes, without the
// conversion to floating point ReadNPY makes. Other dtypes are refused. Errors name the file.
func ReadNPYBytes(path string) (rows, cols int, data []uint8, err error) {
	f, l, _, err := openNPYRaw(path, "|u1 (uint8)", "|u1", "<u1", ">u1", "=u1", "u1")
	if err != nil {
		return 0, 0, nil, err
	}
	defer f.Close()
	if data, err = readExactly(f, int(l.nbytes)); err != nil {
		return 0, 0, nil, fileErr(path, readErr(fmt.Sprintf("npy: reading %d data bytes", l.nbytes), err))
	}
	return l.rows, l.cols, data, nil
}
