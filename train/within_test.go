package train

import (
	"errors"
	"fmt"
	"testing"
)

// TestWithin checks that a nested error names its package once and still matches.
func TestWithin(t *testing.T) {
	ce := Bad("rbm", "NumHidden", "%d units, want > 0", -1)
	for _, tc := range []struct {
		err  error
		want string
	}{
		{Within("rbm: load d", ce), "rbm: load d: config: NumHidden: -1 units, want > 0"},
		{Within("dbm: load d", ce), "dbm: load d: rbm: config: NumHidden: -1 units, want > 0"},
		{Within("rbm: load d", fmt.Errorf("open d: %w", ErrStop)), "rbm: load d: open d: stop training"},
	} {
		if got := tc.err.Error(); got != tc.want {
			t.Errorf("Within = %q, want %q", got, tc.want)
		}
	}
	var got *ConfigError
	if err := Within("rbm: load d", ce); !errors.As(err, &got) || !errors.Is(err, ErrConfig) {
		t.Errorf("Within hides the ConfigError: %v", err)
	}
	if Within("rbm: x", nil) != nil {
		t.Errorf("Within(nil) is not nil")
	}
}
