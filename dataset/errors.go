package dataset

import "errors"

// Sentinel errors returned (wrapped) by this package. Test for them with
// errors.Is; the wrapping message names the file, when there is one, and
// the exact problem.
var (
	// ErrFormat reports input that is not in the expected file format: a
	// wrong magic number, an invalid header, a bad label value, trailing
	// bytes after the declared data, or a corrupt gzip stream.
	ErrFormat = errors.New("invalid format")

	// ErrTruncated reports input that ends before the data its header
	// declares (or, for CIFAR-10, in the middle of a record).
	ErrTruncated = errors.New("truncated data")

	// ErrUnsupported reports a well-formed file that uses a feature this
	// package does not read: an IDX element type other than unsigned byte,
	// an .npy dtype other than <f4, <f8 or |u1, big-endian or Fortran-order
	// .npy data, or an array rank other than 1 or 2.
	ErrUnsupported = errors.New("unsupported feature")

	// ErrShape reports arguments whose sizes do not agree, such as a label
	// count that differs from the image count, a malformed Matrix or
	// Images value, or a Standardizer fitted on a different number of
	// features.
	ErrShape = errors.New("shape mismatch")

	// ErrArgument reports an invalid scalar argument, such as a negative
	// split size or a drop count larger than the number of singular values.
	ErrArgument = errors.New("invalid argument")
)
