package tsne

import "errors"

// Sentinel errors returned (wrapped) by this package. Test for them with errors.Is; the
// wrapping message names the function and the exact problem.
var (
	// ErrShape reports arguments whose sizes do not agree: a malformed matrix, too few rows,
	// labels whose count differs from the rows', an embedding that is not N×2.
	ErrShape = errors.New("shape mismatch")

	// ErrValue reports bad data: a NaN or infinite coordinate, or a negative label.
	ErrValue = errors.New("invalid value")

	// ErrArgument reports an invalid setting, such as a perplexity not below the number of
	// points or a negative θ.
	ErrArgument = errors.New("invalid argument")
)
