package dataset

import (
	"bytes"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
)

// checkDecodeErr fails unless err is a well-formed error of this package:
// prefixed "dataset: " and, since a bytes.Reader never fails, wrapping one
// of the format sentinels.
func checkDecodeErr(t *testing.T, err error) {
	t.Helper()
	if !strings.HasPrefix(err.Error(), "dataset: ") {
		t.Errorf("error %q lacks the package prefix", err)
	}
	if !errors.Is(err, ErrFormat) && !errors.Is(err, ErrTruncated) && !errors.Is(err, ErrUnsupported) {
		t.Errorf("error %q wraps no sentinel", err)
	}
}

// isGzip reports whether data starts with the gzip magic bytes.
func isGzip(data []byte) bool { return len(data) >= 2 && data[0] == 0x1f && data[1] == 0x8b }

func FuzzDecodeIDXImages(f *testing.F) {
	valid := encodeIDX(idxUint8, []uint32{2, 3, 2}, seq(12, 1, 1))
	f.Add(valid)
	f.Add(gzipBytes(f, valid))
	f.Add(valid[:10])
	f.Add(encodeIDX(idxUint8, []uint32{0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF}, nil))
	f.Add(encodeIDX(idxUint8, []uint32{1 << 30, 28, 28}, seq(64, 0, 1)))
	f.Add(encodeIDX(idxFloat64, []uint32{1, 1, 1}, make([]byte, 8)))
	f.Add(encodeIDX(idxUint8, []uint32{3}, []byte{1, 2, 3}))
	f.Add([]byte{0x1f, 0x8b, 8, 0})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		im, err := DecodeIDXImages(bytes.NewReader(data))
		if err != nil {
			checkDecodeErr(t, err)
		} else {
			if err := im.Validate(); err != nil || im.Channels != 1 {
				t.Fatalf("decoded invalid images %+v: %v", im, err)
			}
			if !isGzip(data) {
				re := encodeIDX(idxUint8, []uint32{uint32(im.N), uint32(im.Height), uint32(im.Width)}, im.Pix)
				if !bytes.Equal(re, data) {
					t.Fatalf("re-encoding differs from the input")
				}
			}
		}
		if !isGzip(data) {
			// The size-checked (file) path must agree with the streaming one.
			im2, err2 := decodeIDXImages(bytes.NewReader(data), int64(len(data)))
			if (err == nil) != (err2 == nil) || (err == nil && !bytes.Equal(im.Pix, im2.Pix)) {
				t.Fatalf("stream: %v; sized: %v", err, err2)
			}
		}
	})
}

func FuzzDecodeIDXLabels(f *testing.F) {
	valid := encodeIDX(idxUint8, []uint32{4}, []byte{0, 9, 3, 255})
	f.Add(valid)
	f.Add(gzipBytes(f, valid))
	f.Add(valid[:7])
	f.Add(encodeIDX(idxUint8, []uint32{0xFFFFFFFF}, []byte{1}))
	f.Add(encodeIDX(idxInt32, []uint32{1}, make([]byte, 4)))
	f.Add(encodeIDX(idxUint8, []uint32{1, 1, 1}, []byte{1}))
	f.Add([]byte{0, 0, 8})
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := DecodeIDXLabels(bytes.NewReader(data))
		if err != nil {
			checkDecodeErr(t, err)
		} else if !isGzip(data) && !bytes.Equal(encodeIDX(idxUint8, []uint32{uint32(len(l))}, bytesOf(l)), data) {
			t.Fatalf("re-encoding differs from the input")
		}
		if !isGzip(data) {
			l2, err2 := decodeIDXLabels(bytes.NewReader(data), int64(len(data)))
			if (err == nil) != (err2 == nil) || !slices.Equal(l, l2) {
				t.Fatalf("stream: %v; sized: %v", err, err2)
			}
		}
	})
}

func FuzzDecodeCIFAR10(f *testing.F) {
	rec := cifarRecordBytes(7, cifarPix(3))
	f.Add(rec)
	f.Add(append(append([]byte(nil), rec...), cifarRecordBytes(0, cifarPix(1))...))
	f.Add(rec[:3072])
	f.Add(append(append([]byte(nil), rec...), 1))
	f.Add(cifarRecordBytes(10, cifarPix(0)))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		im, labels, err := DecodeCIFAR10(bytes.NewReader(data))
		if err != nil {
			checkDecodeErr(t, err)
		} else {
			if err := im.Validate(); err != nil || im.N*3073 != len(data) || len(labels) != im.N {
				t.Fatalf("decoded %+v with %d labels from %d bytes: %v", im, len(labels), len(data), err)
			}
			for i, l := range labels {
				if l > 9 || l != int(data[i*3073]) || !bytes.Equal(im.Image(i), data[i*3073+1:(i+1)*3073]) {
					t.Fatalf("record %d decoded wrongly", i)
				}
			}
		}
		im2, _, err2 := decodeCIFAR10(bytes.NewReader(data), int64(len(data)))
		if (err == nil) != (err2 == nil) || (err == nil && !bytes.Equal(im.Pix, im2.Pix)) {
			t.Fatalf("stream: %v; sized: %v", err, err2)
		}
	})
}

func FuzzDecodeNPY(f *testing.F) {
	var buf bytes.Buffer
	m := matrixOf([]float64{1, -2, math.Inf(1)}, []float64{0.5, 0, math.NaN()})
	if err := EncodeNPY(&buf, m); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	buf.Reset()
	if err := EncodeNPY(&buf, Convert[float32](m)); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add(npyBytes(1, "{'descr': '|u1', 'fortran_order': False, 'shape': (3,), }", []byte{1, 2, 3}))
	f.Add(npyBytes(2, "{'descr': '<f8', 'fortran_order': False, 'shape': (1L, 1L), }", f64le(3)))
	f.Add(npyBytes(3, `{"descr": "<f4", "fortran_order": True, "shape": (1, 1)}`, make([]byte, 4)))
	f.Add(npyBytes(1, "{'descr': '>f8', 'fortran_order': False, 'shape': (), }", nil))
	f.Add(npyBytes(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999, 99999999999), }", nil))
	f.Add(npyBytes(1, "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", nil))
	f.Add([]byte("\x93NUMPY\x01\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := DecodeNPY[float64](bytes.NewReader(data))
		if err != nil {
			checkDecodeErr(t, err)
		} else {
			if err := m.Validate(); err != nil {
				t.Fatalf("decoded an invalid matrix: %v", err)
			}
			var re bytes.Buffer
			if err := EncodeNPY(&re, m); err != nil {
				t.Fatal(err)
			}
			m2, err := DecodeNPY[float64](&re)
			if err != nil || m2.Rows != m.Rows || m2.Cols != m.Cols || !sameBits64(m.Data, m2.Data) {
				t.Fatalf("round trip of a decoded array failed: %v", err)
			}
		}
		m3, err3 := decodeNPY[float64](bytes.NewReader(data), int64(len(data)))
		if (err == nil) != (err3 == nil) || (err == nil && !sameBits64(m.Data, m3.Data)) {
			t.Fatalf("stream: %v; sized: %v", err, err3)
		}
	})
}

// bytesOf returns labels 0…255 as the bytes of an IDX file.
func bytesOf(l []int) []byte {
	b := make([]byte, len(l))
	for i, v := range l {
		b[i] = byte(v)
	}
	return b
}
