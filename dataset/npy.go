package dataset

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"math/bits"
	"os"
	"reflect"
	"slices"
	"strings"

	"github.com/boltzmann-go/boltzmann/internal/atomicfile"
	"github.com/boltzmann-go/boltzmann/internal/nest"
)

// The .npy format, versions 1.0, 2.0 and 3.0, is described in numpy's
// numpy/lib/format.py: the magic "\x93NUMPY", a major and minor version
// byte, a little-endian header length (uint16 in 1.0, uint32 in 2.0 and
// 3.0), the header (a Python dict literal, ASCII in 1.0 and 2.0, UTF-8 in
// 3.0), then the raw array data.
const (
	npyMagic = "\x93NUMPY"
	// npyMaxHeader bounds the header length read from a file. numpy itself
	// refuses headers over 10000 bytes by default; real headers are < 200.
	npyMaxHeader = 1 << 16
)

// npyDtype describes a supported element type.
type npyDtype struct {
	size   int
	decode func(b []byte) float64
}

// npyDtypeFor returns the element type of a descr string, or an error that
// says why it is not supported. The byte order is '<' (little-endian), '>'
// (big-endian), '=' (this machine's), '|' or none (single bytes); the kinds
// are f (float16, float32, float64), i (int8 … int64), u (uint8 … uint64) and
// b1 (bool).
func npyDtypeFor(descr string) (npyDtype, error) {
	const want = "float16/32/64, int8/16/32/64, uint8/16/32/64 or bool, in either byte order"
	code := descr
	var order binary.ByteOrder = binary.LittleEndian
	if code != "" {
		switch code[0] {
		case '<', '|':
			code = code[1:]
		case '>':
			order, code = binary.BigEndian, code[1:]
		case '=':
			order, code = binary.NativeEndian, code[1:]
		}
	}
	if strings.HasPrefix(descr, "|") && code != "b1" && code != "i1" && code != "u1" {
		return npyDtype{}, fmt.Errorf("npy: dtype %q is not supported (want %s): %w", descr, want, ErrUnsupported)
	}
	switch code {
	case "f2":
		return npyDtype{2, func(b []byte) float64 { return float64(Half(order.Uint16(b)).Float32()) }}, nil
	case "f4":
		return npyDtype{4, func(b []byte) float64 { return float64(math.Float32frombits(order.Uint32(b))) }}, nil
	case "f8":
		return npyDtype{8, func(b []byte) float64 { return math.Float64frombits(order.Uint64(b)) }}, nil
	case "b1":
		return npyDtype{1, func(b []byte) float64 {
			if b[0] != 0 {
				return 1
			}
			return 0
		}}, nil
	case "i1":
		return npyDtype{1, func(b []byte) float64 { return float64(int8(b[0])) }}, nil
	case "u1":
		return npyDtype{1, func(b []byte) float64 { return float64(b[0]) }}, nil
	case "i2":
		return npyDtype{2, func(b []byte) float64 { return float64(int16(order.Uint16(b))) }}, nil
	case "u2":
		return npyDtype{2, func(b []byte) float64 { return float64(order.Uint16(b)) }}, nil
	case "i4":
		return npyDtype{4, func(b []byte) float64 { return float64(int32(order.Uint32(b))) }}, nil
	case "u4":
		return npyDtype{4, func(b []byte) float64 { return float64(order.Uint32(b)) }}, nil
	case "i8":
		return npyDtype{8, func(b []byte) float64 { return float64(int64(order.Uint64(b))) }}, nil
	case "u8":
		return npyDtype{8, func(b []byte) float64 { return float64(order.Uint64(b)) }}, nil
	}
	return npyDtype{}, fmt.Errorf("npy: dtype %q is not supported (want %s): %w", descr, want, ErrUnsupported)
}

// npyLayout is what an .npy header declares: the dtype, the matrix shape and the offset of the
// data from the start of the file.
type npyLayout struct {
	descr      string
	dt         npyDtype
	rows, cols int
	count      uint64 // rows·cols
	nbytes     uint64 // the data's length
	offset     int64
	fortran    bool // column-major data (numpy's fortran_order)
	rank       int  // 1 for a vector (rows values, cols = 1), 2 for a matrix
}

// readNPYHeader reads an .npy header from r. size is the input length when known (a plain file),
// or -1; when known, the data length the header declares is checked against it.
func readNPYHeader(r io.Reader, size int64) (npyLayout, error) {
	var pre [10]byte
	var l npyLayout
	if _, err := io.ReadFull(r, pre[:8]); err != nil {
		return l, readErr("npy: reading the magic string and version", err)
	}
	if string(pre[:6]) != npyMagic {
		return l, fmt.Errorf("npy: bad magic %q, want %q: %w", pre[:6], npyMagic, ErrFormat)
	}
	major, minor := pre[6], pre[7]
	var hlen, prefix int
	switch major {
	case 1:
		if _, err := io.ReadFull(r, pre[8:10]); err != nil {
			return l, readErr("npy: reading the header length", err)
		}
		hlen, prefix = int(binary.LittleEndian.Uint16(pre[8:10])), 10
	case 2, 3:
		var b [4]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return l, readErr("npy: reading the header length", err)
		}
		hlen, prefix = int(binary.LittleEndian.Uint32(b[:])), 12
	default:
		return l, fmt.Errorf("npy: format version %d.%d is not supported (want 1.0, 2.0 or 3.0): %w", major, minor, ErrUnsupported)
	}
	if minor != 0 {
		return l, fmt.Errorf("npy: format version %d.%d is not supported (want 1.0, 2.0 or 3.0): %w", major, minor, ErrUnsupported)
	}
	if hlen > npyMaxHeader {
		return l, fmt.Errorf("npy: header length %d exceeds the limit of %d bytes: %w", hlen, npyMaxHeader, ErrFormat)
	}
	if size >= 0 && int64(prefix+hlen) > size {
		return l, fmt.Errorf("npy: header length %d exceeds the file size %d: %w", hlen, size, ErrTruncated)
	}
	hb, err := readExactly(r, hlen)
	if err != nil {
		return l, readErr(fmt.Sprintf("npy: reading the %d-byte header", hlen), err)
	}
	h, err := parseNPYHeader(string(hb))
	if err != nil {
		return l, err
	}
	dt, err := npyDtypeFor(h.descr)
	if err != nil {
		return l, err
	}
	var rows, cols int
	switch len(h.shape) {
	case 1:
		rows, cols = h.shape[0], 1
	case 2:
		rows, cols = h.shape[0], h.shape[1]
	default:
		return l, fmt.Errorf("npy: shape %v has rank %d; only 1-D and 2-D arrays are supported: %w", h.shape, len(h.shape), ErrUnsupported)
	}
	hi, count := bits.Mul64(uint64(rows), uint64(cols))
	hi2, nbytes := bits.Mul64(count, uint64(dt.size))
	if hi != 0 || hi2 != 0 || nbytes > math.MaxInt {
		return l, fmt.Errorf("npy: shape %v is too large: %w", h.shape, ErrFormat)
	}
	if size >= 0 {
		switch have := uint64(size - int64(prefix+hlen)); {
		case have < nbytes:
			return l, fmt.Errorf("npy: shape %v of %s needs %d data bytes, the file has %d: %w", h.shape, h.descr, nbytes, have, ErrTruncated)
		case have > nbytes:
			return l, fmt.Errorf("npy: shape %v of %s needs %d data bytes, the file has %d (trailing bytes): %w", h.shape, h.descr, nbytes, have, ErrFormat)
		}
	}
	return npyLayout{descr: h.descr, dt: dt, rows: rows, cols: cols, count: count, nbytes: nbytes, offset: int64(prefix + hlen), fortran: h.fortran, rank: len(h.shape)}, nil
}

// decodeNPY reads an .npy array from r. size is the input length when known
// (a plain file), or -1; when known, the data length the header declares is
// checked against it before the data is allocated.
func decodeNPY[T Float](r io.Reader, size int64) (*Matrix[T], error) {
	l, err := readNPYHeader(r, size)
	if err != nil {
		return nil, err
	}
	data, err := readExactly(r, int(l.nbytes))
	if err != nil {
		return nil, readErr(fmt.Sprintf("npy: shape (%d, %d) of %s needs %d data bytes, got %d", l.rows, l.cols, l.descr, l.nbytes, len(data)), err)
	}
	if err := expectEOF(r, "npy"); err != nil {
		return nil, err
	}
	m := &Matrix[T]{Rows: l.rows, Cols: l.cols, Data: make([]T, l.count)}
	for i := range m.Data {
		k := i
		if l.fortran { // element (r, c) is stored at c·rows + r
			k = (i%l.cols)*l.rows + i/l.cols
		}
		m.Data[i] = T(l.dt.decode(data[k*l.dt.size:]))
	}
	return m, nil
}

// DecodeNPY decodes a NumPy .npy array (format version 1.0, 2.0 or 3.0)
// from r. The dtype must be float16, float32 or float64 ("<f2", "<f4",
// "<f8"), int8 … int64, uint8 … uint64 ("|i1", "<i2", "<u4", …), bool ("|b1":
// 0 or 1; uint8 values are raw 0..255, not scaled), little- or big-endian
// (">f4"); values are converted to T. A 1-D array of length n becomes an
// n×1 matrix, a 2-D array keeps its shape (C or Fortran order). Other dtypes
// and other ranks give errors wrapping ErrUnsupported; a malformed header or trailing
// data gives ErrFormat, and missing data ErrTruncated. Data is read
// incrementally, so a header claiming a huge shape does not allocate it.
func DecodeNPY[T Float](r io.Reader) (*Matrix[T], error) {
	m, err := decodeNPY[T](r, -1)
	if err != nil {
		return nil, nest.Within("dataset: ", err)
	}
	return m, nil
}

// ReadNPY reads a NumPy .npy file (see DecodeNPY). The declared data size is
// checked against the file size before the data is read. Errors name the
// file.
func ReadNPY[T Float](path string) (*Matrix[T], error) {
	f, size, err := openSized(path)
	if err != nil {
		return nil, fileErr(path, err)
	}
	defer f.Close()
	m, err := decodeNPY[T](f, size)
	if err != nil {
		return nil, fileErr(path, err)
	}
	return m, nil
}

// NPYShape returns the shape an .npy file's header declares: one value for a
// 1-D array (which ReadNPY reads as a column), two for a matrix. The header is
// checked as ReadNPY checks it, against the file's size. Errors name the file.
func NPYShape(path string) ([]int, error) {
	f, size, err := openSized(path)
	if err != nil {
		return nil, fileErr(path, err)
	}
	defer f.Close()
	l, err := readNPYHeader(f, size)
	if err != nil {
		return nil, fileErr(path, err)
	}
	if l.rank == 1 {
		return []int{l.rows}, nil
	}
	return []int{l.rows, l.cols}, nil
}

// EncodeNPY writes m to w as a version 1.0 .npy file holding a 2-D C-order
// Rows×Cols array of dtype "<f4" (when T's underlying type is float32) or
// "<f8" (float64).
func EncodeNPY[T Float](w io.Writer, m *Matrix[T]) error {
	if err := m.Validate(); err != nil {
		return err
	}
	f32 := reflect.TypeFor[T]().Kind() == reflect.Float32
	descr := "<f8"
	if f32 {
		descr = "<f4"
	}
	if err := writeNPYHeader(w, descr, m.Rows, m.Cols); err != nil {
		return nest.Within("dataset: ", err)
	}
	b := make([]byte, 0, 1<<16)
	for _, v := range m.Data {
		if f32 {
			b = binary.LittleEndian.AppendUint32(b, math.Float32bits(float32(v)))
		} else {
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(float64(v)))
		}
		if len(b) >= 1<<16-8 {
			if _, err := w.Write(b); err != nil {
				return err
			}
			b = b[:0]
		}
	}
	_, err := w.Write(b)
	return err
}

// WriteNPY writes m to path as a version 1.0 .npy file (see EncodeNPY),
// atomically: it writes a temporary file in the same directory and renames
// it over path, so path never holds a partial array.
func WriteNPY[T Float](path string, m *Matrix[T]) error {
	if err := m.Validate(); err != nil {
		return nest.Within(fmt.Sprintf("dataset: write %s", path), err)
	}
	if err := atomicfile.Write(path, func(w io.Writer) error { return EncodeNPY(w, m) }); err != nil {
		return nest.Within(fmt.Sprintf("dataset: write %s", path), err)
	}
	return nil
}

// openNPYRaw opens an .npy file whose data a caller takes as they are stored, and reads its
// header: the dtype must be one of descrs (what names them in errors), the data C-ordered (or a
// vector). The caller closes the file. Errors name the file.
func openNPYRaw(path, what string, descrs ...string) (*os.File, npyLayout, int64, error) {
	f, size, err := openSized(path)
	if err != nil {
		return nil, npyLayout{}, 0, fileErr(path, err)
	}
	l, err := readNPYHeader(f, size)
	if err == nil && !slices.Contains(descrs, l.descr) {
		err = fmt.Errorf("npy: dtype %q, want %s: %w", l.descr, what, ErrUnsupported)
	}
	if err == nil && l.fortran && l.rows > 1 && l.cols > 1 {
		err = fmt.Errorf("npy: fortran_order True: read it with ReadNPY, or save it C-contiguous: %w", ErrUnsupported)
	}
	if err != nil {
		f.Close()
		return nil, npyLayout{}, 0, fileErr(path, err)
	}
	return f, l, size, nil
}
