package pyargs

import (
	"fmt"
	"slices"
)

// Replicate returns n values from v the way the original programs expand a flag that sets
// one value per layer (`if len(args.epochs) == 1: args.epochs *= 3`): a single value
// becomes n copies, and n values are returned as they are. Any other count, or n < 1, is an
// error naming the count. The result never aliases v. The error message has no package
// prefix because it is meant to follow "argument --flag: ": wrap it with Parser.Errorf to
// report it as a usage error.
func Replicate[T any](v []T, n int) ([]T, error) {
	switch {
	case n < 1:
		return nil, fmt.Errorf("replicate to %d values: want a positive count", n)
	case len(v) == n:
		return slices.Clone(v), nil
	case len(v) == 1:
		out := make([]T, n)
		for i := range out {
			out[i] = v[0]
		}
		return out, nil
	}
	if n == 1 {
		return nil, fmt.Errorf("got %d values, want 1", len(v))
	}
	return nil, fmt.Errorf("got %d values, want 1 or %d", len(v), n)
}
