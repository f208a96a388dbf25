package dataset

import (
	"bufio"
	"compress/flate"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/boltzmann-go/boltzmann/internal/nest"
)

// readChunk is the largest buffer readExactly allocates before data has
// actually arrived, so a header that claims billions of items costs at most
// this much memory before the input runs out.
const readChunk = 64 << 10

// readExactly reads exactly n bytes from r. It grows its buffer only as data
// arrives, never beyond n, so a lying header cannot force a huge allocation.
// On short input it returns the bytes read so far and an error for which
// readErr reports truncation.
func readExactly(r io.Reader, n int) ([]byte, error) {
	if n < 0 {
		return nil, fmt.Errorf("negative length %d: %w", n, ErrFormat)
	}
	buf := make([]byte, 0, min(n, readChunk))
	for len(buf) < n {
		if len(buf) == cap(buf) {
			next := make([]byte, len(buf), min(n, 2*cap(buf)))
			copy(next, buf)
			buf = next
		}
		k, err := io.ReadFull(r, buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+k]
		if err != nil {
			if errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return buf, err
		}
	}
	return buf, nil
}

// readErr classifies an error from reading the body of a file described by
// what: end of input becomes ErrTruncated, a corrupt gzip or deflate stream
// becomes ErrFormat, and anything else (an I/O error) is wrapped as is.
func readErr(what string, err error) error {
	var corrupt flate.CorruptInputError
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		return fmt.Errorf("%s: input ends early: %w", what, ErrTruncated)
	case errors.Is(err, gzip.ErrChecksum) || errors.Is(err, gzip.ErrHeader) || errors.As(err, &corrupt):
		return fmt.Errorf("%s: corrupt gzip stream: %w: %w", what, ErrFormat, err)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// expectEOF reports an error wrapping ErrFormat if r holds more data. For a
// gzip stream it also forces the trailing checksum to be verified.
func expectEOF(r io.Reader, what string) error {
	var b [1]byte
	n, err := io.ReadFull(r, b[:])
	if n > 0 {
		return fmt.Errorf("%s: trailing bytes after the declared data: %w", what, ErrFormat)
	}
	if errors.Is(err, io.EOF) {
		return nil
	}
	return readErr(what, err)
}

// maybeGunzip returns a reader of the decompressed stream if r starts with
// the gzip magic bytes 1f 8b, and of r itself otherwise. The name of the
// input is irrelevant: only its first two bytes decide.
func maybeGunzip(r io.Reader) (rd io.Reader, gzipped bool, err error) {
	br := bufio.NewReader(r)
	magic, err := br.Peek(2)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, false, err
	}
	if len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, true, readErr("gzip header", err)
		}
		return zr, true, nil
	}
	return br, false, nil
}

// openSized opens path and returns the file with its size in bytes.
func openSized(path string) (*os.File, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, err
	}
	if !st.Mode().IsRegular() {
		f.Close()
		return nil, 0, fmt.Errorf("not a regular file: %w", ErrFormat)
	}
	return f, st.Size(), nil
}

// fileErr prefixes err with the package name and the file path. An
// *fs.PathError for the same path is unwrapped so the path is not repeated;
// the underlying error (for example fs.ErrNotExist) stays in the chain.
func fileErr(path string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) && pe.Path == path {
		return fmt.Errorf("dataset: %s: %s: %w", path, pe.Op, pe.Err)
	}
	return nest.Within(fmt.Sprintf("dataset: %s", path), err)
}
