package classify

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestErrorRateAndConfusion checks both on a hand-counted example:
// 6 labels, 2 wrong (1 → 2 and 2 → 0).
func TestErrorRateAndConfusion(t *testing.T) {
	y := []int{0, 1, 1, 2, 2, 0}
	pred := []int{0, 1, 2, 2, 0, 0}
	e, err := ErrorRate(pred, y)
	if err != nil || e != 2.0/6 {
		t.Errorf("ErrorRate = %g, %v; want 1/3", e, err)
	}
	conf, err := Confusion(pred, y, 3)
	want := []int{
		2, 0, 0, // true 0
		0, 1, 1, // true 1
		1, 0, 1, // true 2
	}
	if err != nil || !slices.Equal(conf, want) {
		t.Errorf("Confusion = %v, %v; want %v", conf, err, want)
	}
	path := filepath.Join(t.TempDir(), "confusion.png")
	if err := ConfusionPNG(path, "test", conf, 3); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil || !bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")) {
		t.Errorf("ConfusionPNG wrote %d bytes (%v), want a PNG file", len(b), err)
	}
}

// TestEvaluateBadInput checks the argument errors of the evaluation
// functions.
func TestEvaluateBadInput(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name string
		err  error
		want error
	}{
		{"error rate lengths", second(ErrorRate([]int{0}, []int{0, 1})), ErrShape},
		{"error rate empty", second(ErrorRate(nil, nil)), ErrShape},
		{"confusion k=0", second(Confusion([]int{0}, []int{0}, 0)), ErrArgument},
		{"confusion lengths", second(Confusion([]int{0}, nil, 2)), ErrShape},
		{"confusion label too large", second(Confusion([]int{0}, []int{2}, 2)), ErrValue},
		{"confusion negative prediction", second(Confusion([]int{-1}, []int{0}, 2)), ErrValue},
		{"png k=0", ConfusionPNG(filepath.Join(dir, "a.png"), "", nil, 0), ErrArgument},
		{"png size", ConfusionPNG(filepath.Join(dir, "a.png"), "", []int{1, 2, 3}, 2), ErrShape},
		{"png negative", ConfusionPNG(filepath.Join(dir, "a.png"), "", []int{1, 2, -3, 4}, 2), ErrValue},
	} {
		if !errors.Is(tc.err, tc.want) {
			t.Errorf("%s: error %v, want %v", tc.name, tc.err, tc.want)
		}
	}
}

// second returns the error of a two-result call.
func second[T any](_ T, err error) error { return err }
