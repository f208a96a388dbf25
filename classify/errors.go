package classify

import "errors"

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
