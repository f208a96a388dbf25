package dataset

import (
	"bytes"
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"testing"
)

func TestNPYRoundTrip(t *testing.T) {
	vals := []float64{0, -1.5, math.Pi, 1e-30, math.MaxFloat32, math.SmallestNonzeroFloat32, math.Copysign(0, -1), 42}
	t.Run("f4", func(t *testing.T) {
		m := NewMatrix[float32](2, 4)
		for i, v := range vals {
			m.Data[i] = float32(v)
		}
		path := filepath.Join(t.TempDir(), "x.npy")
		if err := WriteNPY(path, m); err != nil {
			t.Fatal(err)
		}
		b, _ := os.ReadFile(path)
		if string(b[:8]) != "\x93NUMPY\x01\x00" || (10+int(binary.LittleEndian.Uint16(b[8:])))%64 != 0 {
			t.Errorf("bad preamble % x", b[:10])
		}
		if !bytes.Contains(b, []byte("'descr': '<f4'")) || !bytes.Contains(b, []byte("'shape': (2, 4)")) {
			t.Errorf("header %q", b[10:64])
		}
		got, err := ReadNPY[float32](path)
		if err != nil {
			t.Fatal(err)
		}
		if got.Rows != 2 || got.Cols != 4 || !sameBits32(got.Data, m.Data) {
			t.Errorf("round trip = %d×%d %v, want %v", got.Rows, got.Cols, got.Data, m.Data)
		}
	})
	t.Run("f8", func(t *testing.T) {
		m := NewMatrix[float64](4, 2)
		copy(m.Data, vals)
		m.Data[7] = math.NaN()
		path := filepath.Join(t.TempDir(), "x.npy")
		if err := WriteNPY(path, m); err != nil {
			t.Fatal(err)
		}
		got, err := ReadNPY[float64](path)
		if err != nil {
			t.Fatal(err)
		}
		if got.Rows != 4 || got.Cols != 2 || !sameBits64(got.Data, m.Data) {
			t.Errorf("round trip = %d×%d %v, want %v", got.Rows, got.Cols, got.Data, m.Data)
		}
		// Reading f8 data as float32 converts each value.
		g32, err := ReadNPY[float32](path)
		if err != nil {
			t.Fatal(err)
		}
		for i, v := range m.Data[:7] {
			if g32.Data[i] != float32(v) {
				t.Errorf("as float32: [%d] = %g, want %g", i, g32.Data[i], float32(v))
			}
		}
	})
}

func TestWriteNPYOverwritesAtomically(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "x.npy")
	for k := range 2 {
		m := NewMatrix[float64](1, 3)
		m.Data[0] = float64(k)
		if err := WriteNPY(path, m); err != nil {
			t.Fatal(err)
		}
	}
	got, err := ReadNPY[float64](path)
	if err != nil || got.Data[0] != 1 {
		t.Fatalf("after overwrite: %v %v", got, err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries, want only x.npy (temp file left?)", len(entries))
	}
	// A malformed matrix is refused and the old file is kept.
	if err := WriteNPY(path, &Matrix[float64]{Rows: 2, Cols: 2}); err == nil {
		t.Errorf("WriteNPY of a malformed matrix succeeded")
	}
	if got, _ := ReadNPY[float64](path); got == nil || got.Data[0] != 1 {
		t.Errorf("old file damaged")
	}
	// A directory that does not exist gives an error naming the path.
	if err := WriteNPY(filepath.Join(dir, "no", "x.npy"), got); err == nil {
		t.Errorf("WriteNPY into a missing directory succeeded")
	}
}

// TestDecodeNPYHandWritten reads headers written the way numpy (and older
// numpy) writes them.
func TestDecodeNPYHandWritten(t *testing.T) {
	for _, tc := range []struct {
		name       string
		file       []byte
		rows, cols int
		want       []float64
	}{
		{"v1 f8 2-D", npyBytes(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }", f64le(1, 2, 3, -4)), 2, 2, []float64{1, 2, 3, -4}},
		{"v1 u1 1-D raw values", npyBytes(1, "{'descr': '|u1', 'fortran_order': False, 'shape': (3,), }", []byte{0, 128, 255}), 3, 1, []float64{0, 128, 255}},
		{"v1 f4 keys reordered, python2 long", npyBytes(1, `{"shape": (1L, 2L), "fortran_order": False, "descr": "<f4"}`,
			binary.LittleEndian.AppendUint32(binary.LittleEndian.AppendUint32(nil, math.Float32bits(0.5)), math.Float32bits(-2))), 1, 2, []float64{0.5, -2}},
		{"v2 f8", npyBytes(2, "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 1), }", f64le(7)), 1, 1, []float64{7}},
		{"v3 u1 empty", npyBytes(3, "{'descr': '|u1', 'fortran_order': False, 'shape': (0, 5), }", nil), 0, 5, []float64{}},
		{"fortran order 2×3", npyBytes(1, "{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3), }", f64le(1, 4, 2, 5, 3, 6)), 2, 3, []float64{1, 2, 3, 4, 5, 6}},
		{"bool", npyBytes(1, "{'descr': '|b1', 'fortran_order': False, 'shape': (1, 3), }", []byte{1, 0, 2}), 1, 3, []float64{1, 0, 1}},
		{"int8 and int16", npyBytes(1, "{'descr': '<i2', 'fortran_order': False, 'shape': (2,), }", []byte{0xff, 0xff, 3, 1}), 2, 1, []float64{-1, 259}},
		{"no spaces, no newline", rawNPY("{'descr':'<f8','fortran_order':False,'shape':(1,)}", f64le(9)), 1, 1, []float64{9}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := DecodeNPY[float64](bytes.NewReader(tc.file))
			if err != nil {
				t.Fatal(err)
			}
			if m.Rows != tc.rows || m.Cols != tc.cols || !equalSlices(m.Data, tc.want) {
				t.Errorf("got %d×%d %v, want %d×%d %v", m.Rows, m.Cols, m.Data, tc.rows, tc.cols, tc.want)
			}
		})
	}
}

// rawNPY returns a version 1.0 .npy file whose header is exactly hdr, with
// no padding.
func rawNPY(hdr string, data []byte) []byte {
	b := binary.LittleEndian.AppendUint16([]byte("\x93NUMPY\x01\x00"), uint16(len(hdr)))
	return append(append(b, hdr...), data...)
}

func sameBits32(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
			return false
		}
	}
	return true
}

func sameBits64(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			return false
		}
	}
	return true
}
