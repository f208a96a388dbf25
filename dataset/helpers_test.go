package dataset

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// encodeIDX returns an IDX file with the given element type code,
// dimensions and data bytes (the data is not checked against dims, so
// tests can build inconsistent files).
func encodeIDX(dtype byte, dims []uint32, data []byte) []byte {
	b := []byte{0, 0, dtype, byte(len(dims))}
	for _, d := range dims {
		b = binary.BigEndian.AppendUint32(b, d)
	}
	return append(b, data...)
}

// gzipBytes returns b gzip-compressed.
func gzipBytes(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// seq returns n bytes start, start+step, … (mod 256).
func seq(n int, start, step byte) []byte {
	b := make([]byte, n)
	v := start
	for i := range b {
		b[i] = v
		v += step
	}
	return b
}

// cifarRecordBytes returns one CIFAR-10 record with the given label whose
// pixel in channel c, row r, column col is pix(c, r, col).
func cifarRecordBytes(label byte, pix func(c, r, col int) byte) []byte {
	b := []byte{label}
	for c := range 3 {
		for r := range 32 {
			for col := range 32 {
				b = append(b, pix(c, r, col))
			}
		}
	}
	return b
}

// npyBytes returns an .npy file of the given major version with the header
// dictionary text dict (padded to a multiple of 64 with spaces and '\n')
// followed by data.
func npyBytes(major byte, dict string, data []byte) []byte {
	pre := 10
	if major >= 2 {
		pre = 12
	}
	pad := (64 - (pre+len(dict)+1)%64) % 64
	hdr := dict + strings.Repeat(" ", pad) + "\n"
	b := append([]byte("\x93NUMPY"), major, 0)
	if major >= 2 {
		b = binary.LittleEndian.AppendUint32(b, uint32(len(hdr)))
	} else {
		b = binary.LittleEndian.AppendUint16(b, uint16(len(hdr)))
	}
	b = append(b, hdr...)
	return append(b, data...)
}

// f64le returns the little-endian float64 encoding of vs.
func f64le(vs ...float64) []byte {
	var b []byte
	for _, v := range vs {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
	}
	return b
}

// writeFile writes data to dir/name and returns the path.
func writeFile(t testing.TB, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// matrixOf builds a matrix from rows.
func matrixOf[T Float](rows ...[]T) *Matrix[T] {
	if len(rows) == 0 {
		return NewMatrix[T](0, 0)
	}
	m := NewMatrix[T](len(rows), len(rows[0]))
	for i, r := range rows {
		if len(r) != m.Cols {
			panic(fmt.Sprintf("matrixOf: row %d has %d values, want %d", i, len(r), m.Cols))
		}
		copy(m.Row(i), r)
	}
	return m
}
