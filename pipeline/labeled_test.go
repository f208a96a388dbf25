package pipeline_test

import (
	"errors"
	"math"
	"path/filepath"
	"slices"
	"testing"

	"github.com/boltzmann-go/boltzmann/dataset"
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

// TestLoadDataStratified: LoadData with Stratify takes the rows LoadLabeledStratified takes
// (so a program's pretraining and fine-tuning see the same split), the random split is
// unchanged by the setting's existence, and data without labels is refused naming the field.
func TestLoadDataStratified(t *testing.T) {
	dir := t.TempDir()
	mnist := filepath.Join(dir, "mnist")
	if err := writeMNIST(mnist, 200, 10); err != nil {
		t.Fatal(err)
	}
	for _, stratify := range []bool{false, true} {
		d, err := pipeline.LoadData(pipeline.DataSettings{Path: mnist, NTrain: 90, NVal: 30, SplitSeed: 42, Stratify: stratify}, pipeline.Hooks{})
		if err != nil {
			t.Fatal(err)
		}
		load := pipeline.LoadLabeled
		if stratify {
			load = pipeline.LoadLabeledStratified
		}
		l, err := load(mnist, 90, 30, 42)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(d.Train.Data, l.Train.Data) || !slices.Equal(d.Val.Data, l.Val.Data) {
			t.Errorf("stratify %v: LoadData and LoadLabeled take different rows", stratify)
		}
	}
	npy := filepath.Join(dir, "x.npy")
	if err := dataset.WriteNPY(npy, dataset.NewMatrix[float32](20, 4)); err != nil {
		t.Fatal(err)
	}
	_, err := pipeline.LoadData(pipeline.DataSettings{Path: npy, NTrain: 10, NVal: 5, Stratify: true}, pipeline.Hooks{})
	var fe *pipeline.FieldError
	if !errors.As(err, &fe) || fe.Field != "Stratify" {
		t.Errorf("stratified .npy without labels: %v, want a FieldError on Stratify", err)
	}
}
