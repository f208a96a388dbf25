package nest

import (
	"errors"
	"fmt"
	"testing"
)

// fieldError stands for an error type of a package (rbm's *ConfigError).
type fieldError struct{ field string }

func (e *fieldError) Error() string { return "rbm: config: " + e.field + ": bad" }

// TestWithin checks that a nested error names its package once and still matches.
func TestWithin(t *testing.T) {
	ce := &fieldError{"NumHidden"}
	stop := errors.New("stop")
	for _, tc := range []struct {
		err  error
		want string
	}{
		{Within("rbm: load d", ce), "rbm: load d: config: NumHidden: bad"},
		{Within("dbm: load d", ce), "dbm: load d: rbm: config: NumHidden: bad"},
		{Within("rbm: load d", fmt.Errorf("open d: %w", stop)), "rbm: load d: open d: stop"},
		{Within("rbm", ce), "rbm: config: NumHidden: bad"},
	} {
		if got := tc.err.Error(); got != tc.want {
			t.Errorf("Within = %q, want %q", got, tc.want)
		}
	}
	var got *fieldError
	if err := Within("rbm: load d", fmt.Errorf("rbm: x: %w", ce)); !errors.As(err, &got) || got != ce {
		t.Errorf("Within hides the wrapped error: %v", err)
	}
	if err := Within("rbm: load d", fmt.Errorf("x: %w", stop)); !errors.Is(err, stop) {
		t.Errorf("Within hides the wrapped sentinel: %v", err)
	}
	if Within("rbm: x", nil) != nil {
		t.Errorf("Within(nil) is not nil")
	}
}
