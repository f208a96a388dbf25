package pipeline_test

import (
	"math"
	"path/filepath"
	"testing"

	"github.com/boltzmann-go/boltzmann/pipeline"
)

// TestLoadLabeledStratified: the stratified split gives every class its share of the training
// and validation rows within one row, where the random split of the same seed need not; both
// keep the test set whole.
func TestLoadLabeledStratified(t *testing.T) {
	dir := t.TempDir()
	if err := writeMNIST(filepath.Join(dir, "mnist"), 400, 20); err != nil {
		t.Fatal(err)
	}
	all, err := pipeline.LoadLabeled(filepath.Join(dir, "mnist"), 400, 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	share := make([]float64, 10)
	for _, y := range all.YTrain {
		share[y] += 1.0 / float64(len(all.YTrain))
	}
	worst := func(y []int) float64 {
		count := make([]float64, 10)
		for _, c := range y {
			count[c]++
		}
		w := 0.0
		for c := range count {
			w = max(w, math.Abs(count[c]-share[c]*float64(len(y))))
		}
		return w
	}
	for _, n := range [][2]int{{90, 10}, {40, 20}} {
		s, err := pipeline.LoadLabeledStratified(filepath.Join(dir, "mnist"), n[0], n[1], 42)
		if err != nil {
			t.Fatal(err)
		}
		if s.Train.Rows != n[0] || s.Val.Rows != n[1] || s.Test.Rows != 20 {
			t.Fatalf("%v: %d, %d, %d rows", n, s.Train.Rows, s.Val.Rows, s.Test.Rows)
		}
		if w := worst(s.YTrain); w >= 1 {
			t.Errorf("%v stratified: a class is %.2f training rows from its share", n, w)
		}
		if w := worst(s.YVal); w >= 1 {
			t.Errorf("%v stratified: a class is %.2f validation rows from its share", n, w)
		}
		r, err := pipeline.LoadLabeled(filepath.Join(dir, "mnist"), n[0], n[1], 42)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%v: worst class off its share by %.2f training rows at random, %.2f stratified", n, worst(r.YTrain), worst(s.YTrain))
	}
}
