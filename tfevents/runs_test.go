package tfevents

import (
	"path/filepath"
	"testing"
)

func TestRuns(t *testing.T) {
	dir := t.TempDir()
	r, err := NewRuns(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Scalars(7, map[string]float64{"msre": 0.5}, map[string]float64{"msre": 0.25, "feg": 1}); err != nil {
		t.Fatal(err)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if err := r.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	for sub, want := range map[string]int{"train": 1, "val": 2} {
		files, _ := filepath.Glob(filepath.Join(dir, sub, "events.out.tfevents.*"))
		if len(files) != 1 {
			t.Fatalf("%s: %v", sub, files)
		}
		events, err := ReadFile(files[0])
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, e := range events {
			if e.Summary != nil && e.Step == 7 {
				n += len(e.Summary.Value)
			}
		}
		if n != want {
			t.Errorf("%s: %d values at step 7, want %d", sub, n, want)
		}
	}
}
