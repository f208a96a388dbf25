package dataset

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func TestHalfKnownValues(t *testing.T) {
	for _, c := range []struct {
		v    float32
		want Half
	}{
		{1, 0x3c00}, {-2, 0xc000}, {0.1, 0x2e66}, {65504, 0x7bff}, {65519.99, 0x7bff}, {65520, 0x7c00},
		{float32(math.Inf(-1)), 0xfc00}, {0, 0}, {float32(math.Copysign(0, -1)), 0x8000},
		{0x1p-24, 0x0001}, {0x1p-25, 0}, {0x1.8p-24, 0x0002}, {0x1p-14, 0x0400}, {0x1.ff8p-15, 0x03ff},
		{1 + 0x1p-11, 0x3c00}, {1 + 0x3p-11, 0x3c02}, {1 + 0x1p-11 + 0x1p-20, 0x3c01},
	} {
		if got := HalfOf(c.v); got != c.want {
			t.Errorf("HalfOf(%g) = %#04x, want %#04x", c.v, uint16(got), uint16(c.want))
		}
	}
	if h := HalfOf(float32(math.NaN())); h.finite() || h&0x3ff == 0 {
		t.Errorf("HalfOf(NaN) = %#04x, not a NaN", uint16(h))
	}
}

// Every finite half converts to float32 and back to itself, and the float32 halfway between two
// neighbours rounds to the even one of them, a hair off it to the nearer one.
func TestHalfExhaustive(t *testing.T) {
	for b := 0; b < 0x7c00; b++ {
		for _, sign := range []Half{0, 0x8000} {
			h := Half(b) | sign
			f := h.Float32()
			if got := HalfOf(f); got != h {
				t.Fatalf("HalfOf(%#04x.Float32() = %g) = %#04x", uint16(h), f, uint16(got))
			}
			if b == 0x7bff {
				continue
			}
			next := (Half(b) + 1) | sign
			mid := (float64(f) + float64(next.Float32())) / 2 // exact in float32: 12 bits
			even := h
			if b&1 == 1 {
				even = next
			}
			if got := HalfOf(float32(mid)); got != even {
				t.Fatalf("HalfOf(%g, between %#04x and %#04x) = %#04x, want the even %#04x", mid, uint16(h), uint16(next), uint16(got), uint16(even))
			}
			below := math.Nextafter32(float32(mid), f)
			above := math.Nextafter32(float32(mid), next.Float32())
			if HalfOf(below) != h || HalfOf(above) != next {
				t.Fatalf("around %g: %#04x, %#04x, want %#04x, %#04x", mid, uint16(HalfOf(below)), uint16(HalfOf(above)), uint16(h), uint16(next))
			}
		}
	}
}

func TestHalfNPYRoundTrip(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "q.npy")
	x := &Matrix[float64]{Rows: 5, Cols: 3, Data: []float64{0, 1, -1, 0.5, 0.1, 1e-6, 65504, 3.14159, -2.5, 1e5, 7, 8, 9, 10, 11}}
	err := WriteNPYHalf(path, 5, 3, func(write func(*Matrix[float64]) error) error {
		if err := write(x.SliceRows(0, 2)); err != nil {
			return err
		}
		return write(x.SliceRows(2, 5))
	})
	if err != nil {
		t.Fatal(err)
	}
	want := ToHalf(x)
	read, err := ReadNPYHalf(path)
	if err != nil {
		t.Fatal(err)
	}
	mapped, closeMap, err := MapNPYHalf(path)
	if err != nil {
		t.Fatal(err)
	}
	defer closeMap()
	asFloat, err := ReadNPY[float32](path) // the generic reader takes <f2 too
	if err != nil {
		t.Fatal(err)
	}
	for i, h := range want.Data {
		if read.Data[i] != h || mapped.Data[i] != h || asFloat.Data[i] != h.Float32() {
			t.Fatalf("element %d: read %#04x, mapped %#04x, as float32 %g; want %#04x (%g)", i, uint16(read.Data[i]), uint16(mapped.Data[i]), asFloat.Data[i], uint16(h), h.Float32())
		}
	}
	if !math.IsInf(float64(want.Data[9].Float32()), 1) || mapped.FirstNonFinite() != 9 {
		t.Errorf("1e5 → %g, first non-finite %d; want +Inf at 9", want.Data[9].Float32(), mapped.FirstNonFinite())
	}
	if got := mapped.AppendRows(nil, []int{4, 1}); len(got) != 6 || got[0] != 9 || got[3] != 0.5 {
		t.Errorf("AppendRows(4, 1) = %v", got)
	}
}

// A producer that writes too few or too many rows, or fails, leaves the previous file.
func TestWriteNPYHalfKeepsOldFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "q.npy")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	block := NewMatrix[float32](2, 3)
	for _, c := range []struct {
		name    string
		produce func(write func(*Matrix[float32]) error) error
	}{
		{"too few", func(w func(*Matrix[float32]) error) error { return w(block) }},
		{"too many", func(w func(*Matrix[float32]) error) error { w(block); w(block); return w(block) }},
		{"wrong width", func(w func(*Matrix[float32]) error) error { return w(NewMatrix[float32](4, 2)) }},
		{"failing", func(w func(*Matrix[float32]) error) error { return errors.New("boom") }},
	} {
		if err := WriteNPYHalf(path, 4, 3, c.produce); err == nil {
			t.Errorf("%s: no error", c.name)
		}
		if b, _ := os.ReadFile(path); string(b) != "old" {
			t.Errorf("%s: the old file was replaced", c.name)
		}
	}
	if _, _, err := MapNPYHalf(path); err == nil {
		t.Error("MapNPYHalf of a non-npy file: no error")
	}
	WriteNPY(path, block)
	if _, _, err := MapNPYHalf(path); !errors.Is(err, ErrUnsupported) {
		t.Errorf("MapNPYHalf of a float32 file: %v, want ErrUnsupported", err)
	}
}

func TestNPYBytesRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.npy")
	if err := WriteNPYBytes(path, 2, 3, []uint8{0, 1, 255, 7, 8, 9}); err != nil {
		t.Fatal(err)
	}
	m, err := ReadNPY[float32](path)
	if err != nil || m.Rows != 2 || m.Cols != 3 || m.Data[2] != 255 || m.Data[5] != 9 {
		t.Errorf("read back %v, %v", m, err)
	}
	if r, c, b, err := ReadNPYBytes(path); err != nil || r != 2 || c != 3 || b[2] != 255 {
		t.Errorf("ReadNPYBytes = %d, %d, %v, %v", r, c, b, err)
	}
	if err := WriteNPYBytes(path, 2, 2, []uint8{1}); !errors.Is(err, ErrShape) {
		t.Errorf("1 byte for 2×2: %v, want ErrShape", err)
	}
}

// The pages of a mapped matrix, released from the resident set, read back unchanged; reading
// releaseEvery bytes releases them.
func TestMapNPYHalfRelease(t *testing.T) {
	path := filepath.Join(t.TempDir(), "q.npy")
	x := &Matrix[float32]{Rows: 4, Cols: 2, Data: []float32{1, 2, 3, 4, 5, 6, 7, 8}}
	if err := WriteNPYHalf(path, 4, 2, func(write func(*Matrix[float32]) error) error { return write(x) }); err != nil {
		t.Fatal(err)
	}
	m, closeMap, err := MapNPYHalf(path)
	if err != nil {
		t.Fatal(err)
	}
	defer closeMap()
	before := m.AppendRows(nil, []int{0, 1, 2, 3})
	m.mapped.release()
	after := m.SliceRows(1, 4).AppendRows(nil, []int{0, 1, 2})
	if !reflect.DeepEqual(before[2:], after) || before[7] != 8 {
		t.Errorf("after release: rows 1–3 = %v, want %v", after, before[2:])
	}
	var n int
	p := &mapping{release: func() { n++ }}
	p.read(releaseEvery - 1)
	p.read(1)
	p.read(releaseEvery - 1)
	if n != 1 {
		t.Errorf("%d releases after 2·releaseEvery−1 bytes, want 1", n)
	}
}
