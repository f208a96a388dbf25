package dataset

import "fmt"

// Float is the element type of a Matrix.
type Float interface{ ~float32 | ~float64 }

// Matrix is a dense row-major matrix; Data has Rows*Cols elements and
// element (i, j) is Data[i*Cols+j].
//
// A Matrix made by NewMatrix or returned by this package is well-formed.
// Functions that return an error check that a Matrix given to them is
// well-formed (see Validate); the accessors Row, SliceRows and Gather treat
// an out-of-range row index as a programming error and panic, as indexing a
// slice does.
type Matrix[T Float] struct {
	Rows, Cols int
	Data       []T
}

// NewMatrix returns a zeroed rows×cols matrix. It panics if rows or cols is
// negative, as make does for a negative length.
func NewMatrix[T Float](rows, cols int) *Matrix[T] {
	if rows < 0 || cols < 0 {
		panic(fmt.Sprintf("dataset: NewMatrix: negative dimensions %d×%d", rows, cols))
	}
	return &Matrix[T]{Rows: rows, Cols: cols, Data: make([]T, rows*cols)}
}

// Validate returns an error wrapping ErrShape if m is nil, has a negative
// dimension, or has len(Data) != Rows*Cols.
func (m *Matrix[T]) Validate() error {
	if m == nil {
		return fmt.Errorf("dataset: nil matrix: %w", ErrShape)
	}
	return checkShape("matrix", m.Rows, m.Cols, len(m.Data))
}

// checkShape reports a what (a matrix kind) of rows×cols that has n elements, or a negative
// dimension, as an error wrapping ErrShape.
func checkShape(what string, rows, cols, n int) error {
	switch {
	case rows < 0 || cols < 0:
		return fmt.Errorf("dataset: %s has negative dimensions %d×%d: %w", what, rows, cols, ErrShape)
	case n != rows*cols:
		return fmt.Errorf("dataset: %s %d×%d has %d elements, want %d: %w", what, rows, cols, n, rows*cols, ErrShape)
	}
	return nil
}

// Row returns row i of m. The result shares storage with m and has
// Shape returns the numbers of rows and columns.
func (m *Matrix[T]) Shape() (rows, cols int) { return m.Rows, m.Cols }

// Values returns the row-major values as a []T ([]float32 or []float64), for code that takes
// either (tfops.Data).
func (m *Matrix[T]) Values() any { return m.Data }

// capacity Cols, so appending to it never overwrites the next row.
func (m *Matrix[T]) Row(i int) []T {
	if i < 0 || i >= m.Rows {
		panic(fmt.Sprintf("dataset: Row: index %d out of range [0,%d)", i, m.Rows))
	}
	return m.Data[i*m.Cols : (i+1)*m.Cols : (i+1)*m.Cols]
}

// SliceRows returns the rows [i, j) of m as a (j-i)×Cols matrix that shares
// storage with m. It panics unless 0 ≤ i ≤ j ≤ Rows.
func (m *Matrix[T]) SliceRows(i, j int) *Matrix[T] {
	if i < 0 || j < i || j > m.Rows {
		panic(fmt.Sprintf("dataset: SliceRows: range [%d,%d) invalid for %d rows", i, j, m.Rows))
	}
	return &Matrix[T]{Rows: j - i, Cols: m.Cols, Data: m.Data[i*m.Cols : j*m.Cols : j*m.Cols]}
}

// Gather returns a new len(idx)×Cols matrix whose row k is a copy of row
// idx[k] of m. Indices may repeat. It panics if an index is out of range.
func (m *Matrix[T]) Gather(idx []int) *Matrix[T] {
	out := NewMatrix[T](len(idx), m.Cols)
	for k, i := range idx {
		copy(out.Data[k*m.Cols:(k+1)*m.Cols], m.Row(i))
	}
	return out
}

// Convert returns a copy of m with its elements converted to U, for example
// Convert[float32](m64). It returns nil if m is nil.
func Convert[U, T Float](m *Matrix[T]) *Matrix[U] {
	if m == nil {
		return nil
	}
	out := &Matrix[U]{Rows: m.Rows, Cols: m.Cols, Data: make([]U, len(m.Data))}
	for i, v := range m.Data {
		out.Data[i] = U(v)
	}
	return out
}
