package tfevents

import "errors"

var (
	// ErrClosed is returned by the methods of a Writer after Close.
	ErrClosed = errors.New("writer is closed")

	// ErrCorrupt is wrapped by ReadFile errors for a record whose length
	// or data checksum does not match, or whose Event cannot be decoded.
	ErrCorrupt = errors.New("corrupt record")

	// ErrTruncated is wrapped by ReadFile errors for a file that ends in
	// the middle of a record.
	ErrTruncated = errors.New("truncated record")

	// ErrNonFinite is wrapped by Histogram errors for NaN or ±Inf values.
	ErrNonFinite = errors.New("non-finite value")
)
