package classify

import (
	"errors"
	"strings"
)

// Sentinel errors returned (wrapped) by this package. Test for them with
// errors.Is; the wrapping message names the classifier, the method and the
// exact problem.
var (
	// ErrShape reports arguments whose sizes do not agree or are empty: a
	// nil or ragged matrix, a matrix with no rows or columns, a label count
	// that differs from the row count, or test features whose number of
	// columns differs from the training features'.
	ErrShape = errors.New("shape mismatch")

	// ErrValue reports bad data: a NaN or infinite feature, or a label that
	// is negative or not below the number of classes.
	ErrValue = errors.New("invalid value")

	// ErrArgument reports an invalid parameter, such as K ≤ 0, C ≤ 0, an
	// unknown weighting or loss name, or a nil map or classifier.
	ErrArgument = errors.New("invalid argument")

	// ErrNotFitted reports a Predict, Scores or Transform call on a value
	// whose Fit has not succeeded.
	ErrNotFitted = errors.New("not fitted")
)

// nested is an error of this package wrapped by another step of it: its message says the
// package once ("classify: pipeline fit: linearsvc fit: …").
type nested struct {
	msg string
	err error
}

func (e *nested) Error() string { return e.msg }
func (e *nested) Unwrap() error { return e.err }

// nest returns err under what (which starts "classify: "), without err's own "classify: ".
func nest(what string, err error) error {
	return &nested{what + ": " + strings.TrimPrefix(err.Error(), "classify: "), err}
}
