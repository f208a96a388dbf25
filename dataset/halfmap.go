//go:build unix

package dataset

import (
	"fmt"
	"os"
	"syscall"
	"unsafe"
)

// MapNPYHalf maps a float16 (“<f2”) .npy file into memory read-only, without reading it: the
// operating system pages its rows in as they are used and may drop them again, so a 7.6 GB
// feature file (the original's CIFAR-10 features) costs page cache, not the process's own
// memory; the pages it reads are released from the process's resident set every 64 MiB read
// (they stay in the page cache), so they do not count in its peak either. Call close when done with the matrix; its Data must not be used after. On a
// big-endian machine the file is read into memory instead (ReadNPYHalf).
func MapNPYHalf(path string) (m *HalfMatrix, close func() error, err error) {
	var probe uint16 = 1
	if *(*byte)(unsafe.Pointer(&probe)) != 1 {
		m, err := ReadNPYHalf(path)
		return m, func() error { return nil }, err
	}
	f, l, size, err := openNPYRaw(path, "<f2 (float16)", "<f2")
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	if l.offset%2 != 0 {
		return nil, nil, fileErr(path, fmt.Errorf("npy: data at the odd offset %d: %w", l.offset, ErrFormat))
	}
	if l.count == 0 {
		return &HalfMatrix{Rows: l.rows, Cols: l.cols}, func() error { return nil }, nil
	}
	b, err := syscall.Mmap(int(f.Fd()), 0, int(size), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return nil, nil, fileErr(path, &os.PathError{Op: "mmap", Path: path, Err: err})
	}
	data := unsafe.Slice((*Half)(unsafe.Pointer(&b[l.offset])), l.count)
	// Dropping the pages of a read-only shared file mapping loses nothing: they stay in the
	// page cache and are mapped again, unchanged, when next read.
	mp := &mapping{release: func() { syscall.Madvise(b, syscall.MADV_DONTNEED) }}
	return &HalfMatrix{Rows: l.rows, Cols: l.cols, Data: data, mapped: mp}, func() error { return syscall.Munmap(b) }, nil
}
