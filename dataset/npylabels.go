package dataset

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"

	"github.com/boltzmann-go/boltzmann/internal/atomicfile"
	"github.com/boltzmann-go/boltzmann/internal/nest"
)

// WriteNPYLabels writes labels to path as a 1-D .npy array of dtype "<i8" (numpy's default
// integer), atomically like WriteNPY. Predictions and targets are saved this way, as the
// original saves y_pred and y_test.
func WriteNPYLabels(path string, labels []int) error {
	err := atomicfile.Write(path, func(w io.Writer) error {
		dict := fmt.Sprintf("{'descr': '<i8', 'fortran_order': False, 'shape': (%d,), }", len(labels))
		total := len(npyMagic) + 4 + len(dict) + 1
		hdr := dict + fmt.Sprintf("%*s", (64-total%64)%64, "") + "\n"
		b := append([]byte(npyMagic), 1, 0)
		b = binary.LittleEndian.AppendUint16(b, uint16(len(hdr)))
		b = append(b, hdr...)
		for _, v := range labels {
			b = binary.LittleEndian.AppendUint64(b, uint64(int64(v)))
		}
		_, err := w.Write(b)
		return err
	})
	if err != nil {
		return nest.Within(fmt.Sprintf("dataset: write %s", path), err)
	}
	return nil
}

// ReadNPYLabels reads class labels from a 1-D (or n×1) .npy array of integers (or of floats
// holding integers, or uint8), as written by WriteNPYLabels or numpy. Negative or fractional
// values are an error naming their position.
func ReadNPYLabels(path string) ([]int, error) {
	m, err := ReadNPY[float64](path)
	if err != nil {
		return nil, err
	}
	if m.Cols != 1 {
		return nil, fmt.Errorf("dataset: %s: labels must be 1-D, got %d×%d: %w", path, m.Rows, m.Cols, ErrShape)
	}
	out := make([]int, m.Rows)
	for i, v := range m.Data {
		if v < 0 || v != math.Trunc(v) || v > math.MaxInt32 {
			return nil, fmt.Errorf("dataset: %s: label %d is %g, want a non-negative integer: %w", path, i, v, ErrFormat)
		}
		out[i] = int(v)
	}
	return out, nil
}
