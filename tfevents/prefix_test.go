package tfevents

import (
	"errors"
	"strings"
	"testing"
)

// TestErrorsNamePackageOnce checks that an error says "tfevents: " once, at its start: a closed
// writer's "tfevents: write: writer is closed", not a bare or a doubled prefix (issue 26).
func TestErrorsNamePackageOnce(t *testing.T) {
	w, err := NewWriter(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	for _, err := range []error{w.Scalar("x", 1, 1), w.Flush()} {
		if !errors.Is(err, ErrClosed) {
			t.Errorf("after Close: %v, want ErrClosed", err)
		}
		if msg := err.Error(); !strings.HasPrefix(msg, "tfevents: ") || strings.Count(msg, "tfevents: ") != 1 {
			t.Errorf("after Close: %q, want one \"tfevents: \" prefix", msg)
		}
	}
}
