package classify

import (
	"fmt"
	"math"

	"github.com/boltzmann-go/boltzmann/dataset"
)

// checkMatrix returns an error wrapping ErrShape if x is nil, ragged or
// empty, and one wrapping ErrValue if an element is NaN or infinite. what
// prefixes the message ("classify: knn fit", …).
func checkMatrix(what string, x *dataset.Matrix[float64]) error {
	switch {
	case x == nil:
		return fmt.Errorf("%s: nil matrix: %w", what, ErrShape)
	case x.Rows <= 0 || x.Cols <= 0:
		return fmt.Errorf("%s: matrix is %d×%d, want at least one row and one column: %w", what, x.Rows, x.Cols, ErrShape)
	case len(x.Data) != x.Rows*x.Cols:
		return fmt.Errorf("%s: %d×%d matrix has %d elements, want %d: %w", what, x.Rows, x.Cols, len(x.Data), x.Rows*x.Cols, ErrShape)
	}
	for i, v := range x.Data {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("%s: element (%d, %d) is %g: %w", what, i/x.Cols, i%x.Cols, v, ErrValue)
		}
	}
	return nil
}

// checkCols checks x with checkMatrix and that it has cols columns, the
// number the value was fitted on.
func checkCols(what string, x *dataset.Matrix[float64], cols int) error {
	if err := checkMatrix(what, x); err != nil {
		return err
	}
	if x.Cols != cols {
		return fmt.Errorf("%s: matrix has %d columns, fitted on %d: %w", what, x.Cols, cols, ErrShape)
	}
	return nil
}

// labelSet describes the labels of a training set: k is the number of
// classes (given, or max(y)+1), present lists the labels that occur, in
// increasing order, and index maps a label to its position in present
// (-1 for an absent label).
type labelSet struct {
	k       int
	present []int
	index   []int
}

// MaxClasses is the largest number of classes the classifiers and
// Confusion accept: labels are 0…MaxClasses−1. A larger label is taken for
// a corrupt one (a single label of 1,000,000 would otherwise size a
// confusion matrix of 10¹² counts and per-class arrays of a million
// entries) and refused with its row.
const MaxClasses = 1000

// checkFit validates a training set: x as checkMatrix does, len(y) ==
// x.Rows, and every label in [0, k) where k = classes if classes > 0 and
// max(y)+1 otherwise, with k ≤ MaxClasses. A negative classes or one above
// MaxClasses is an ErrArgument.
func checkFit(what string, x *dataset.Matrix[float64], y []int, classes int) (labelSet, error) {
	if err := checkMatrix(what, x); err != nil {
		return labelSet{}, err
	}
	if len(y) != x.Rows {
		return labelSet{}, fmt.Errorf("%s: %d labels for %d rows: %w", what, len(y), x.Rows, ErrShape)
	}
	if classes < 0 {
		return labelSet{}, fmt.Errorf("%s: Classes = %d, want ≥ 0 (0 means max label + 1): %w", what, classes, ErrArgument)
	}
	if classes > MaxClasses {
		return labelSet{}, fmt.Errorf("%s: Classes = %d, want at most MaxClasses = %d: %w", what, classes, MaxClasses, ErrArgument)
	}
	k := classes
	for i, l := range y {
		if l < 0 {
			return labelSet{}, fmt.Errorf("%s: label %d of row %d is negative: %w", what, l, i, ErrValue)
		}
		if l >= MaxClasses {
			return labelSet{}, fmt.Errorf("%s: label %d of row %d is not below MaxClasses = %d: %w", what, l, i, MaxClasses, ErrValue)
		}
		if classes > 0 && l >= classes {
			return labelSet{}, fmt.Errorf("%s: label %d of row %d is not below Classes = %d: %w", what, l, i, classes, ErrValue)
		}
		if classes == 0 {
			k = max(k, l+1)
		}
	}
	ls := labelSet{k: k, index: make([]int, k)}
	seen := make([]bool, k)
	for _, l := range y {
		seen[l] = true
	}
	for l := range k {
		ls.index[l] = -1
		if seen[l] {
			ls.index[l] = len(ls.present)
			ls.present = append(ls.present, l)
		}
	}
	return ls, nil
}

// needTwo returns an ErrValue error unless at least two classes occur in
// the training labels, which the discriminative classifiers need.
func (ls labelSet) needTwo(what string) error {
	if len(ls.present) < 2 {
		return fmt.Errorf("%s: the labels contain %d distinct class(es), need at least 2: %w", what, len(ls.present), ErrValue)
	}
	return nil
}

// checkC returns an ErrArgument error unless c is positive and finite.
func checkC(what string, name string, c float64) error {
	if !(c > 0) || math.IsInf(c, 1) {
		return fmt.Errorf("%s: %s = %g, want a positive finite number: %w", what, name, c, ErrArgument)
	}
	return nil
}

// argmax returns the index of the largest element of v, the smallest
// index on ties.
func argmax(v []float64) int {
	best := 0
	for i, x := range v {
		if x > v[best] {
			best = i
		}
	}
	return best
}
