package dataset

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"math/bits"

	"github.com/boltzmann-go/boltzmann/internal/nest"
)

// IDX element type codes (third magic byte), from the format description
// on Yann LeCun's MNIST page.
const (
	idxUint8   = 0x08
	idxInt8    = 0x09
	idxInt16   = 0x0B
	idxInt32   = 0x0C
	idxFloat32 = 0x0D
	idxFloat64 = 0x0E
)

// idxData is a decoded IDX file of unsigned bytes.
type idxData struct {
	dims []int
	data []byte
}

// decodeIDX reads an IDX file of unsigned bytes with the given rank from r.
// The input may be gzip-compressed (detected by its magic bytes). size is
// the total input length in bytes when known (a plain file), or -1; when it
// is known the header is checked against it before any data is allocated.
// what names the kind of file in error messages.
func decodeIDX(r io.Reader, size int64, rank int, what string) (*idxData, error) {
	r, gzipped, err := maybeGunzip(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	if gzipped {
		size = -1 // the compressed size says nothing about the payload
	}
	var magic [4]byte
	if _, err := io.ReadFull(r, magic[:]); err != nil {
		return nil, readErr(what+": reading the 4-byte magic number", err)
	}
	if magic[0] != 0 || magic[1] != 0 {
		return nil, fmt.Errorf("%s: bad magic number %#08x (want 0x0000TTRR: two zero bytes, type, rank): %w",
			what, binary.BigEndian.Uint32(magic[:]), ErrFormat)
	}
	switch magic[2] {
	case idxUint8:
	case idxInt8, idxInt16, idxInt32, idxFloat32, idxFloat64:
		return nil, fmt.Errorf("%s: element type code %#02x is not supported (want 0x08, unsigned byte): %w",
			what, magic[2], ErrUnsupported)
	default:
		return nil, fmt.Errorf("%s: invalid element type code %#02x: %w", what, magic[2], ErrFormat)
	}
	if int(magic[3]) != rank {
		return nil, fmt.Errorf("%s: header has rank %d, want %d: %w", what, magic[3], rank, ErrFormat)
	}
	hdr := make([]byte, 4*rank)
	if _, err := io.ReadFull(r, hdr); err != nil {
		return nil, readErr(fmt.Sprintf("%s: reading %d dimensions", what, rank), err)
	}
	dims := make([]int, rank)
	total := uint64(1)
	for i := range dims {
		d := binary.BigEndian.Uint32(hdr[4*i:])
		dims[i] = int(d)
		hi, lo := bits.Mul64(total, uint64(d))
		if hi != 0 || lo > math.MaxInt {
			return nil, fmt.Errorf("%s: dimensions %v overflow: %w", what, dims[:i+1], ErrFormat)
		}
		total = lo
	}
	hdrLen := int64(4 + 4*rank)
	if size >= 0 {
		switch have := size - hdrLen; {
		case uint64(have) < total:
			return nil, fmt.Errorf("%s: header dimensions %s need %d data bytes, the file has %d: %w",
				what, dimString(dims), total, have, ErrTruncated)
		case uint64(have) > total:
			return nil, fmt.Errorf("%s: header dimensions %s need %d data bytes, the file has %d (trailing bytes): %w",
				what, dimString(dims), total, have, ErrFormat)
		}
	}
	data, err := readExactly(r, int(total))
	if err != nil {
		return nil, readErr(fmt.Sprintf("%s: header dimensions %s need %d data bytes, got %d",
			what, dimString(dims), total, len(data)), err)
	}
	if err := expectEOF(r, what); err != nil {
		return nil, err
	}
	return &idxData{dims: dims, data: data}, nil
}

// dimString formats dimensions as "a×b×c".
func dimString(dims []int) string {
	s := ""
	for i, d := range dims {
		if i > 0 {
			s += "×"
		}
		s += fmt.Sprint(d)
	}
	return s
}

// decodeIDXImages decodes a rank-3 unsigned-byte IDX file as grey images.
func decodeIDXImages(r io.Reader, size int64) (*Images, error) {
	const what = "IDX images"
	d, err := decodeIDX(r, size, 3, what)
	if err != nil {
		return nil, err
	}
	if d.dims[1] == 0 || d.dims[2] == 0 {
		return nil, fmt.Errorf("%s: image size %d×%d is empty: %w", what, d.dims[1], d.dims[2], ErrFormat)
	}
	return &Images{N: d.dims[0], Height: d.dims[1], Width: d.dims[2], Channels: 1, Pix: d.data}, nil
}

// decodeIDXLabels decodes a rank-1 unsigned-byte IDX file.
func decodeIDXLabels(r io.Reader, size int64) ([]int, error) {
	d, err := decodeIDX(r, size, 1, "IDX labels")
	if err != nil {
		return nil, err
	}
	return ints(d.data), nil
}

// ints returns the bytes b as ints: labels are []int throughout the module (dataset, classify,
// mlp, pipeline), whatever the file stores.
func ints(b []uint8) []int {
	out := make([]int, len(b))
	for i, v := range b {
		out[i] = int(v)
	}
	return out
}

// DecodeIDXImages decodes an IDX file of unsigned-byte images (magic
// 0x00000803, dimensions N, rows, cols, as the MNIST image files) from r,
// which may be gzip-compressed. The images have one channel. Data is read
// incrementally, so a header that claims more data than r holds costs no
// more memory than the data actually present; the result is an error
// wrapping ErrTruncated. Trailing bytes after the declared data are an
// error wrapping ErrFormat.
func DecodeIDXImages(r io.Reader) (*Images, error) {
	im, err := decodeIDXImages(r, -1)
	if err != nil {
		return nil, nest.Within("dataset: ", err)
	}
	return im, nil
}

// DecodeIDXLabels decodes an IDX file of unsigned-byte labels (magic
// 0x00000801, as the MNIST label files) from r, which may be
// gzip-compressed. Errors are as for DecodeIDXImages.
func DecodeIDXLabels(r io.Reader) ([]int, error) {
	l, err := decodeIDXLabels(r, -1)
	if err != nil {
		return nil, nest.Within("dataset: ", err)
	}
	return l, nil
}

// ReadIDXImages reads an IDX image file, raw or gzip-compressed (detected
// by the gzip magic bytes 1f 8b, not by the file name). For a raw file the
// header is checked against the file size before the pixels are allocated.
// Errors name the file.
func ReadIDXImages(path string) (*Images, error) {
	f, size, err := openSized(path)
	if err != nil {
		return nil, fileErr(path, err)
	}
	defer f.Close()
	im, err := decodeIDXImages(f, size)
	if err != nil {
		return nil, fileErr(path, err)
	}
	return im, nil
}

// ReadIDXLabels reads an IDX label file, raw or gzip-compressed, as
// ReadIDXImages does. It takes any label 0…255 and knows nothing of the
// images: ReadIDXLabeled reads a pair and checks that they agree.
func ReadIDXLabels(path string) ([]int, error) {
	f, size, err := openSized(path)
	if err != nil {
		return nil, fileErr(path, err)
	}
	defer f.Close()
	l, err := decodeIDXLabels(f, size)
	if err != nil {
		return nil, fileErr(path, err)
	}
	return l, nil
}

// ReadIDXLabeled reads an IDX image file and its IDX label file and checks
// that they agree: one label per image, every label below classes (for
// example 10 for MNIST). Errors name the file at fault and wrap ErrShape
// (counts) or ErrFormat (a label out of range).
func ReadIDXLabeled(imagesPath, labelsPath string, classes int) (*Images, []int, error) {
	if classes < 1 || classes > 256 {
		return nil, nil, fmt.Errorf("dataset: %d classes, want 1…256: %w", classes, ErrArgument)
	}
	im, err := ReadIDXImages(imagesPath)
	if err != nil {
		return nil, nil, err
	}
	labels, err := ReadIDXLabels(labelsPath)
	if err != nil {
		return nil, nil, err
	}
	if len(labels) != im.N {
		return nil, nil, fmt.Errorf("dataset: %s has %d labels but %s has %d images: %w",
			labelsPath, len(labels), imagesPath, im.N, ErrShape)
	}
	for i, l := range labels {
		if l >= classes {
			return nil, nil, fmt.Errorf("dataset: %s: label %d is %d, want 0…%d: %w", labelsPath, i, l, classes-1, ErrFormat)
		}
	}
	return im, labels, nil
}
