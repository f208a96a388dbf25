package export

import "errors"

// Sentinel errors returned (wrapped) by this package. Test for them with errors.Is; the
// wrapping message names the model, the version and the exact problem.
var (
	// ErrExists reports that the version directory Write was asked to create already exists
	// and Options.Overwrite is false.
	ErrExists = errors.New("version already exists")

	// ErrArgument reports an invalid argument: an empty base directory, a model name that is
	// empty, "." or "..", or contains a path separator, a version below 1, a nil model, a
	// negative SampleSteps, or a serving graph that cannot be exported (no signatures, a
	// signature without outputs, values that do not match the variables).
	ErrArgument = errors.New("invalid argument")
)
