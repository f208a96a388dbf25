package dataset

import (
	"bytes"
	"encoding/binary"
	"math"
	"testing"
)

// TestNPYBigEndian: big-endian arrays (numpy's '>f4', '>f8', '>i2', '>u4', …, as written on
// big-endian machines or by x.astype('>f4')) read with their values, as the README's "any
// numeric dtype" says; they were refused before (issue 29, point 7).
func TestNPYBigEndian(t *testing.T) {
	want := []float64{1.5, -2, 3, 0}
	be := binary.BigEndian
	for _, c := range []struct {
		descr string
		put   func(b []byte, v float64) []byte
	}{
		{">f2", func(b []byte, v float64) []byte { return be.AppendUint16(b, uint16(HalfOf(float32(v)))) }},
		{">f4", func(b []byte, v float64) []byte { return be.AppendUint32(b, math.Float32bits(float32(v))) }},
		{">f8", func(b []byte, v float64) []byte { return be.AppendUint64(b, math.Float64bits(v)) }},
		{">i2", func(b []byte, v float64) []byte { return be.AppendUint16(b, uint16(int16(math.Floor(v)))) }},
		{">i4", func(b []byte, v float64) []byte { return be.AppendUint32(b, uint32(int32(math.Floor(v)))) }},
		{">i8", func(b []byte, v float64) []byte { return be.AppendUint64(b, uint64(int64(math.Floor(v)))) }},
		{">u4", func(b []byte, v float64) []byte { return be.AppendUint32(b, uint32(math.Abs(math.Floor(v)))) }},
		{"<u8", func(b []byte, v float64) []byte {
			return binary.LittleEndian.AppendUint64(b, uint64(math.Abs(math.Floor(v))))
		}},
	} {
		var data []byte
		var expect []float64
		for _, v := range want {
			data = c.put(data, v)
			switch c.descr[1] {
			case 'f':
				expect = append(expect, v)
			case 'i':
				expect = append(expect, math.Floor(v))
			default:
				expect = append(expect, math.Abs(math.Floor(v)))
			}
		}
		b := npyBytes(1, "{'descr': '"+c.descr+"', 'fortran_order': False, 'shape': (2, 2), }", data)
		m, err := DecodeNPY[float64](bytes.NewReader(b))
		if err != nil {
			t.Errorf("%s: %v", c.descr, err)
			continue
		}
		if m.Rows != 2 || m.Cols != 2 {
			t.Errorf("%s: %d×%d, want 2×2", c.descr, m.Rows, m.Cols)
		}
		for i, v := range m.Data {
			if v != expect[i] {
				t.Errorf("%s: element %d is %v, want %v", c.descr, i, v, expect[i])
			}
		}
	}
}
