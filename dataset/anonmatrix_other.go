//go:build !unix

package dataset

import "fmt"

// AnonymousMatrix returns a zeroed rows×cols matrix and a function that does nothing: where
// anonymous memory maps are not available, the matrix lives in Go's heap (see the unix version).
func AnonymousMatrix[T Float](rows, cols int) (m *Matrix[T], free func() error, err error) {
	if rows < 0 || cols < 0 {
		return nil, nil, fmt.Errorf("dataset: AnonymousMatrix: negative dimensions %d×%d: %w", rows, cols, ErrShape)
	}
	return NewMatrix[T](rows, cols), func() error { return nil }, nil
}
