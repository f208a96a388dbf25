package classify_test

import (
	"fmt"

	"github.com/boltzmann-go/boltzmann/classify"
	"github.com/boltzmann-go/boltzmann/dataset"
)

// Example fits the classifiers of the original project's notebook on two
// clusters on a line and predicts three new points.
func Example() {
	x := &dataset.Matrix[float64]{Rows: 6, Cols: 1, Data: []float64{0, 1, 2, 7, 8, 9}}
	y := []int{0, 0, 0, 1, 1, 1}
	test := &dataset.Matrix[float64]{Rows: 3, Cols: 1, Data: []float64{0.5, 4, 8.5}}
	for _, c := range []struct {
		name string
		c    classify.Classifier
	}{
		{"knn", &classify.KNN{K: 3, Weights: "distance"}},
		{"logreg", &classify.LogReg{}},
		{"svc", &classify.SVC{C: 1e3, Tol: 1e-6}},
		{"rff+linear", &classify.Pipeline{
			Map:        &classify.RFF{Dim: 100, Gamma: 0.1, Seed: 1},
			Classifier: &classify.LinearSVC{Seed: 1},
		}},
	} {
		if err := c.c.Fit(x, y); err != nil {
			fmt.Println(err)
			return
		}
		pred, err := c.c.Predict(test)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(c.name, pred)
	}
	_, err := (&classify.KNN{K: 0}).Predict(test)
	fmt.Println(err)
	// Output:
	// knn [0 0 1]
	// logreg [0 0 1]
	// svc [0 0 1]
	// rff+linear [0 0 1]
	// classify: knn predict: not fitted
}

// ExampleConfusion counts predictions by true class (rows) and predicted
// class (columns).
func ExampleConfusion() {
	y := []int{0, 1, 1, 2, 2, 0}
	pred := []int{0, 1, 2, 2, 0, 0}
	conf, err := classify.Confusion(pred, y, 3)
	if err != nil {
		fmt.Println(err)
		return
	}
	for k := range 3 {
		fmt.Println(conf[k*3 : k*3+3])
	}
	rate, _ := classify.ErrorRate(pred, y)
	fmt.Printf("error rate %.3f\n", rate)
	// Output:
	// [2 0 0]
	// [0 1 1]
	// [1 0 1]
	// error rate 0.333
}
