package dataset

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/boltzmann-go/boltzmann/internal/atomicfile"
	"github.com/boltzmann-go/boltzmann/internal/nest"
)

// WriteNPYHalf writes a rows×cols array of float16 ("<f2", NumPy's float16) to path without
// holding it in memory: produce calls write with consecutive blocks of rows, which are rounded
// to half precision (HalfOf) as they are written. The file appears, atomically, only when
// produce returns nil after exactly rows rows; otherwise path is left as it was.
func WriteNPYHalf[T Float](path string, rows, cols int, produce func(write func(block *Matrix[T]) error) error) error {
	if rows < 0 || cols < 0 {
		return fmt.Errorf("dataset: write %s: negative shape %d×%d: %w", path, rows, cols, ErrArgument)
	}
	err := atomicfile.Write(path, func(w io.Writer) error {
		if err := writeNPYHeader(w, "<f2", rows, cols); err != nil {
			return err
		}
		done := 0
		buf := make([]byte, 0, 1<<16)
		err := produce(func(b *Matrix[T]) error {
			if err := b.Validate(); err != nil {
				return err
			}
			if b.Cols != cols {
				return fmt.Errorf("a block of %d columns, want %d: %w", b.Cols, cols, ErrShape)
			}
			if done+b.Rows > rows {
				return fmt.Errorf("%d rows written, more than the declared %d: %w", done+b.Rows, rows, ErrShape)
			}
			for _, v := range b.Data {
				buf = binary.LittleEndian.AppendUint16(buf, uint16(HalfOf(float32(v))))
				if len(buf) >= 1<<16-2 {
					if _, err := w.Write(buf); err != nil {
						return err
					}
					buf = buf[:0]
				}
			}
			done += b.Rows
			return nil
		})
		if err != nil {
			return err
		}
		if done != rows {
			return fmt.Errorf("%d rows written, the header declares %d: %w", done, rows, ErrShape)
		}
		_, err = w.Write(buf)
		return err
	})
	if err != nil {
		return nest.Within(fmt.Sprintf("dataset: write %s", path), err)
	}
	return nil
}

// writeNPYHeader writes a version 1.0 .npy header for a 2-D C-order array, padded so that the
// data starts at a multiple of 64 bytes, as numpy does.
func writeNPYHeader(w io.Writer, descr string, rows, cols int) error {
	dict := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': (%d, %d), }", descr, rows, cols)
	total := len(npyMagic) + 4 + len(dict) + 1
	pad := (64 - total%64) % 64
	hdr := dict + strings.Repeat(" ", pad) + "\n"
	if len(hdr) > math.MaxUint16 {
		return fmt.Errorf("npy header of %d bytes is too long for format 1.0: %w", len(hdr), ErrArgument)
	}
	b := append([]byte(npyMagic), 1, 0)
	b = binary.LittleEndian.AppendUint16(b, uint16(len(hdr)))
	_, err := w.Write(append(b, hdr...))
	return err
}

// ReadNPYHalf reads a 1-D or 2-D float16 ("<f2") .npy file into memory. Other dtypes are refused:
// read them with ReadNPY. Errors name the file.
func ReadNPYHalf(path string) (*HalfMatrix, error) {
	f, l, _, err := openNPYRaw(path, "<f2 (float16)", "<f2")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := readExactly(f, int(l.nbytes))
	if err != nil {
		return nil, fileErr(path, readErr(fmt.Sprintf("npy: reading %d data bytes", l.nbytes), err))
	}
	m := &HalfMatrix{Rows: l.rows, Cols: l.cols, Data: make([]Half, l.count)}
	for i := range m.Data {
		m.Data[i] = Half(binary.LittleEndian.Uint16(data[2*i:]))
	}
	return m, nil
}
