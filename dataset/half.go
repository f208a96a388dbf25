package dataset

import (
	"fmt"
	"math"
	"sync/atomic"
)

// Half is an IEEE 754 binary16 ("half precision", NumPy's float16) number, stored as its bits.
// It keeps features at a quarter of float64's memory, as the original keeps its 490,000 × 7,800
// CIFAR-10 features (spec §6.4 step 6): 11 bits of precision, values up to 65504.
type Half uint16

// HalfOf returns the Half nearest to v (ties to even, as NumPy's astype(float16)); values beyond
// ±65504 round to ±Inf, NaN stays NaN.
func HalfOf(v float32) Half {
	b := math.Float32bits(v)
	sign := Half(b>>16) & 0x8000
	exp := int(b>>23) & 0xff
	man := b & 0x7fffff
	switch {
	case exp == 0xff: // Inf or NaN
		if man != 0 {
			return sign | 0x7e00
		}
		return sign | 0x7c00
	case exp > 127+15: // too large: Inf
		return sign | 0x7c00
	case exp >= 127-14: // a normal half, unless the rounding carries into the exponent
		e := uint32(exp - 127 + 15)
		h := e<<10 | man>>13
		rest := man & 0x1fff
		if rest > 0x1000 || (rest == 0x1000 && h&1 == 1) {
			h++ // a carry out of the mantissa moves to the next exponent, or to Inf: both right
		}
		return sign | Half(h)
	case exp < 127-25: // below half the smallest subnormal: ±0
		return sign
	}
	// A subnormal half: the value is m·2^-24 for the integer m nearest to it.
	full := man | 0x800000 // the implicit leading 1
	shift := uint32(126 - exp)
	h := full >> shift
	rest := full & (1<<shift - 1)
	half := uint32(1) << (shift - 1)
	if rest > half || (rest == half && h&1 == 1) {
		h++
	}
	return sign | Half(h)
}

// Float32 returns h as a float32 (exact).
func (h Half) Float32() float32 {
	sign := uint32(h&0x8000) << 16
	exp := uint32(h>>10) & 0x1f
	man := uint32(h & 0x3ff)
	switch {
	case exp == 0x1f:
		return math.Float32frombits(sign | 0x7f800000 | man<<13)
	case exp > 0:
		return math.Float32frombits(sign | (exp+127-15)<<23 | man<<13)
	case man == 0:
		return math.Float32frombits(sign)
	}
	v := float32(man) * (1.0 / (1 << 24)) // a subnormal half is man·2^-24, exact in float32
	if sign != 0 {
		return -v
	}
	return v
}

// finite reports whether h is neither infinite nor NaN.
func (h Half) finite() bool { return h&0x7c00 != 0x7c00 }

// HalfMatrix is a dense row-major matrix of Half values, the half-precision counterpart of
// Matrix: element (i, j) is Data[i*Cols+j]. It is tfops.Data: models read its rows converted to
// their dtype, minibatch by minibatch, without a full-precision copy.
type HalfMatrix struct {
	Rows, Cols int
	Data       []Half

	// mapped is the file mapping Data lies in (MapNPYHalf), nil for memory of Go's own.
	mapped *mapping
}

// releaseEvery is how many bytes of a mapped HalfMatrix are read between two releases of its
// resident pages (mapping.read).
const releaseEvery = 64 << 20

// faultAround is what one row read from a mapped HalfMatrix may add to the resident set beyond
// its own bytes: on a page fault Linux maps up to 64 KiB of cached pages around the faulting
// page (fault_around_bytes), so rows read at random cost more resident pages than their size.
const faultAround = 64 << 10

// mapping is the memory map of a file that a HalfMatrix reads. Its pages stay in the page
// cache, but every page read stays in the process's resident set (RssFile, VmHWM) until it is
// released: read releases them all after every releaseEvery bytes, so that a pass over a
// 7.6 GB feature file does not count 7.6 GB of page cache in the process's peak memory.
type mapping struct {
	release func() // drops the mapping's pages from the resident set (they stay cached)
	bytes   atomic.Int64
}

// read counts n bytes read from the mapping (with faultAround per row read at random) and
// releases its pages every releaseEvery bytes.
// It does nothing on a nil mapping.
func (p *mapping) read(n int) {
	if p == nil || p.release == nil {
		return
	}
	if p.bytes.Add(int64(n)) >= releaseEvery {
		p.bytes.Store(0)
		p.release()
	}
}

// NewHalfMatrix returns a zeroed rows×cols matrix. It panics if rows or cols is negative, as
// make does for a negative length.
func NewHalfMatrix(rows, cols int) *HalfMatrix {
	if rows < 0 || cols < 0 {
		panic(fmt.Sprintf("dataset: NewHalfMatrix: negative dimensions %d×%d", rows, cols))
	}
	return &HalfMatrix{Rows: rows, Cols: cols, Data: make([]Half, rows*cols)}
}

// ToHalf returns m rounded to half precision (see HalfOf).
func ToHalf[T Float](m *Matrix[T]) *HalfMatrix {
	out := &HalfMatrix{Rows: m.Rows, Cols: m.Cols, Data: make([]Half, len(m.Data))}
	for i, v := range m.Data {
		out.Data[i] = HalfOf(float32(v))
	}
	return out
}

// Validate returns an error wrapping ErrShape if m is nil, has a negative dimension, or has
// len(Data) != Rows*Cols.
func (m *HalfMatrix) Validate() error {
	if m == nil {
		return fmt.Errorf("dataset: nil matrix: %w", ErrShape)
	}
	return checkShape("half matrix", m.Rows, m.Cols, len(m.Data))
}

// Shape returns the numbers of rows and columns.
func (m *HalfMatrix) Shape() (rows, cols int) { return m.Rows, m.Cols }

// Values returns m itself: its rows are copied out converted (tfops.RowSource), never as one
// full-precision slice.
func (m *HalfMatrix) Values() any { return m }

// AppendRows appends rows idx of m to dst as float32 values, row-major.
func (m *HalfMatrix) AppendRows(dst []float32, idx []int) []float32 {
	for _, i := range idx {
		for _, h := range m.Data[i*m.Cols : (i+1)*m.Cols] {
			dst = append(dst, h.Float32())
		}
	}
	m.mapped.read(len(idx) * (2*m.Cols + faultAround))
	return dst
}

// FirstNonFinite returns the index in Data of the first infinite or NaN value, or −1.
func (m *HalfMatrix) FirstNonFinite() int {
	const block = 1 << 20 // values read between the counts of a mapped file's bytes
	for start := 0; start < len(m.Data); start += block {
		end := min(start+block, len(m.Data))
		for i, h := range m.Data[start:end] {
			if !h.finite() {
				return start + i
			}
		}
		m.mapped.read(2 * (end - start))
	}
	return -1
}

// SliceRows returns rows [i, j) of m, sharing its storage.
func (m *HalfMatrix) SliceRows(i, j int) *HalfMatrix {
	if i < 0 || j < i || j > m.Rows {
		panic(fmt.Sprintf("dataset: SliceRows: rows [%d,%d) out of range [0,%d)", i, j, m.Rows))
	}
	return &HalfMatrix{Rows: j - i, Cols: m.Cols, Data: m.Data[i*m.Cols : j*m.Cols : j*m.Cols], mapped: m.mapped}
}

// Float32 returns m converted to a float32 Matrix.
func (m *HalfMatrix) Float32() *Matrix[float32] {
	out := NewMatrix[float32](m.Rows, m.Cols)
	for i, h := range m.Data {
		out.Data[i] = h.Float32()
	}
	return out
}
