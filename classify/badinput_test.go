package classify

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/boltzmann-go/boltzmann/dataset"
)

// TestBadInput feeds every classifier and feature map malformed data and
// invalid parameters and checks for the right sentinel error, a message
// starting "classify: ", and no panic.
func TestBadInput(t *testing.T) {
	good, y := blobs(20, 3, 2, 5, 71)
	nan := &dataset.Matrix[float64]{Rows: 20, Cols: 3, Data: append([]float64(nil), good.Data...)}
	nan.Data[7] = math.NaN()
	inf := &dataset.Matrix[float64]{Rows: 20, Cols: 3, Data: append([]float64(nil), good.Data...)}
	inf.Data[8] = math.Inf(-1)
	ragged := &dataset.Matrix[float64]{Rows: 20, Cols: 3, Data: good.Data[:59]}
	empty := &dataset.Matrix[float64]{Rows: 0, Cols: 3}
	negative := append([]int(nil), y...)
	negative[3] = -1
	oneClass := make([]int, 20)

	type fitter = func(c Classifier) error
	fit := func(x *dataset.Matrix[float64], y []int) fitter {
		return func(c Classifier) error { return c.Fit(x, y) }
	}
	dataCases := []struct {
		name string
		do   fitter
		want error
	}{
		{"nil matrix", fit(nil, y), ErrShape},
		{"ragged matrix", fit(ragged, y), ErrShape},
		{"no rows", fit(empty, nil), ErrShape},
		{"label count", fit(good, y[:19]), ErrShape},
		{"negative label", fit(good, negative), ErrValue},
		{"NaN feature", fit(nan, y), ErrValue},
		{"infinite feature", fit(inf, y), ErrValue},
	}
	for name, c := range classifiers() {
		for _, dc := range dataCases {
			checkErr(t, name+": "+dc.name, dc.do(c), dc.want)
		}
		_, err := c.Predict(good)
		checkErr(t, name+": predict before fit", err, ErrNotFitted)
		if err := c.Fit(good, y); err != nil {
			t.Fatalf("%s: Fit: %v", name, err)
		}
		_, err = c.Predict(matrixOf(1, 2, 0, 0))
		checkErr(t, name+": predict with 2 columns", err, ErrShape)
		_, err = c.Predict(nan)
		checkErr(t, name+": predict NaN", err, ErrValue)
		_, err = c.Predict(nil)
		checkErr(t, name+": predict nil", err, ErrShape)
		if p, ok := c.(Prober); ok {
			_, err = p.Scores(ragged)
			checkErr(t, name+": scores ragged", err, ErrShape)
		}
	}

	for _, tc := range []struct {
		name string
		c    Classifier
		y    []int
		want error
	}{
		{"knn K=0", &KNN{}, y, ErrArgument},
		{"knn K<0", &KNN{K: -1}, y, ErrArgument},
		{"knn K > rows", &KNN{K: 21}, y, ErrArgument},
		{"knn weights", &KNN{K: 1, Weights: "inverse"}, y, ErrArgument},
		{"knn label ≥ Classes", &KNN{K: 1, Classes: 1}, y, ErrValue},
		{"knn Classes < 0", &KNN{K: 1, Classes: -2}, y, ErrArgument},
		{"logreg C<0", &LogReg{C: -1}, y, ErrArgument},
		{"logreg C NaN", &LogReg{C: math.NaN()}, y, ErrArgument},
		{"logreg C Inf", &LogReg{C: math.Inf(1)}, y, ErrArgument},
		{"logreg MaxIter<0", &LogReg{MaxIter: -1}, y, ErrArgument},
		{"logreg Tol<0", &LogReg{Tol: -1}, y, ErrArgument},
		{"logreg one class", &LogReg{}, oneClass, ErrValue},
		{"svc C<0", &SVC{C: -1}, y, ErrArgument},
		{"svc Gamma<0", &SVC{Gamma: -1}, y, ErrArgument},
		{"svc Tol NaN", &SVC{Tol: math.NaN()}, y, ErrArgument},
		{"svc CacheMB<0", &SVC{CacheMB: -1}, y, ErrArgument},
		{"svc one class", &SVC{}, oneClass, ErrValue},
		{"linearsvc C<0", &LinearSVC{C: -3}, y, ErrArgument},
		{"linearsvc loss", &LinearSVC{Loss: "log"}, y, ErrArgument},
		{"linearsvc MaxIter<0", &LinearSVC{MaxIter: -5}, y, ErrArgument},
		{"linearsvc one class", &LinearSVC{}, oneClass, ErrValue},
		{"pipeline nil map", &Pipeline{Classifier: &LinearSVC{}}, y, ErrArgument},
		{"pipeline nil classifier", &Pipeline{Map: &RFF{Dim: 3}}, y, ErrArgument},
		{"pipeline rff Dim=0", &Pipeline{Map: &RFF{}, Classifier: &LinearSVC{}}, y, ErrArgument},
		{"pipeline nystroem Dim<0", &Pipeline{Map: &Nystroem{Dim: -1}, Classifier: &LinearSVC{}}, y, ErrArgument},
		{"pipeline classifier error", &Pipeline{Map: &RFF{Dim: 3}, Classifier: &LinearSVC{C: -1}}, y, ErrArgument},
	} {
		checkErr(t, tc.name, tc.c.Fit(good, tc.y), tc.want)
	}

	for name, m := range map[string]FeatureMap{
		"rff":      &RFF{Dim: 4},
		"nystroem": &Nystroem{Dim: 4},
	} {
		_, err := m.Transform(good)
		checkErr(t, name+": transform before fit", err, ErrNotFitted)
		checkErr(t, name+": fit nil", m.Fit(nil), ErrShape)
		checkErr(t, name+": fit NaN", m.Fit(nan), ErrValue)
		if err := m.Fit(good); err != nil {
			t.Fatal(err)
		}
		_, err = m.Transform(matrixOf(1, 1, 0))
		checkErr(t, name+": transform with 1 column", err, ErrShape)
	}
	checkErr(t, "rff gamma<0", (&RFF{Dim: 2, Gamma: -1}).Fit(good), ErrArgument)
	checkErr(t, "nystroem gamma NaN", (&Nystroem{Dim: 2, Gamma: math.NaN()}).Fit(good), ErrArgument)
}

// checkErr fails t unless err wraps want and its message starts with
// "classify: ".
func checkErr(t *testing.T, name string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Errorf("%s: error %v, want %v", name, err, want)
		return
	}
	if !strings.HasPrefix(err.Error(), "classify: ") {
		t.Errorf("%s: error %q does not start with \"classify: \"", name, err)
	}
}
