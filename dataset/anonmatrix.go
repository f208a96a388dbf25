//go:build unix

package dataset

import (
	"fmt"
	"syscall"
	"unsafe"
)

// AnonymousMatrix returns a zeroed rows×cols matrix whose Data lies in an anonymous memory
// map, outside Go's heap, and the function that unmaps it; Data must not be used after.
//
// Memory of Go's heap costs twice its size at the garbage collector's default pace (GOGC=100:
// the heap grows to twice what is live before it is collected), so a large set that lives for a
// whole program — 490,000 CIFAR-10 training rows, 5.6 GiB in float32 — costs its size a second
// time as room for garbage. Out of the heap it costs its size once, and the values are the same.
func AnonymousMatrix[T Float](rows, cols int) (m *Matrix[T], free func() error, err error) {
	if rows < 0 || cols < 0 {
		return nil, nil, fmt.Errorf("dataset: AnonymousMatrix: negative dimensions %d×%d: %w", rows, cols, ErrShape)
	}
	n := rows * cols
	if n == 0 {
		return &Matrix[T]{Rows: rows, Cols: cols, Data: []T{}}, func() error { return nil }, nil
	}
	var zero T
	size := n * int(unsafe.Sizeof(zero))
	b, err := syscall.Mmap(-1, 0, size, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_PRIVATE|syscall.MAP_ANON)
	if err != nil {
		return nil, nil, fmt.Errorf("dataset: AnonymousMatrix: mmap of %d bytes: %w", size, err)
	}
	data := unsafe.Slice((*T)(unsafe.Pointer(&b[0])), n)
	return &Matrix[T]{Rows: rows, Cols: cols, Data: data}, func() error { return syscall.Munmap(b) }, nil
}
