package tfevents

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestContinue: a second writer on the same directory appends to the first one's file (a
// resumed run keeps one event file); a record cut short by a kill is cut off first; a corrupt
// file is left alone and a new one started.
func TestContinue(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "train")
	w, err := Continue(dir) // no file yet: a new one
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Scalar("loss", 1, 0.5); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	path := w.Path()
	// A kill in the middle of the next record: half of one more frame at the end.
	w2, err := NewWriter(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if err := w2.Scalar("loss", 2, 0.25); err != nil {
		t.Fatal(err)
	}
	w2.Close()
	extra, err := os.ReadFile(w2.Path())
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.Write(extra[len(extra)-10:])
	f.Close()
	if _, err := ReadFile(path); !errors.Is(err, ErrTruncated) {
		t.Fatalf("the torn file reads with %v, want ErrTruncated", err)
	}

	w, err = Continue(dir)
	if err != nil {
		t.Fatal(err)
	}
	if w.Path() != path {
		t.Errorf("Continue wrote %s, want the existing %s", w.Path(), path)
	}
	if err := w.Scalar("loss", 2, 0.25); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	events, err := ReadFile(path)
	if err != nil {
		t.Fatalf("after Continue: %v", err)
	}
	var steps []int64
	for _, e := range events[1:] {
		steps = append(steps, e.Step)
	}
	if len(events) != 3 || events[0].FileVersion != fileVersion || len(steps) != 2 || steps[0] != 1 || steps[1] != 2 {
		t.Errorf("events after Continue: file version %q, steps %v; want the header and steps [1 2]", events[0].FileVersion, steps)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("%d files in %s, want 1", len(entries), dir)
	}

	// A flipped byte inside the data: the file is left for a reader to report, and the writer
	// starts another.
	b, _ := os.ReadFile(path)
	b[len(b)-6] ^= 0xff
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	w, err = Continue(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if w.Path() == path {
		t.Errorf("Continue appended to a corrupt file")
	}
	if after, _ := os.ReadFile(path); string(after) != string(b) {
		t.Errorf("Continue changed the corrupt file")
	}
}
