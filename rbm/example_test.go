package rbm_test

import (
	"context"
	"fmt"
	"log"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"gonum.org/v1/gonum/mat"

	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/rbm"
)

// A tiny RBM with given weights: its exact log partition function and the log-likelihood of
// two patterns, by enumeration (checked by hand: log Σ_v Π_j (1 + exp((vW)_j)) = 3.90835).
func ExampleRBM_ExactLogZ() {
	w := mat.NewDense(3, 2, []float64{1, -1, 0.5, 0.5, -1, 1})
	m, err := rbm.New(rbm.Config{NumVisible: 3, NumHidden: 2, DType: tf.Double, InitW: rbm.Flatten(w)})
	if err != nil {
		log.Fatal(err)
	}
	defer m.Close()
	logZ, err := m.ExactLogZ()
	if err != nil {
		log.Fatal(err)
	}
	x := &dataset.Matrix[float64]{Rows: 2, Cols: 3, Data: []float64{1, 1, 0, 0, 1, 1}}
	ll, err := m.LogLikelihood(x)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("log Z = %.4f, mean log p(x) = %.4f\n", logZ, ll)
	// Output: log Z = 3.9084, mean log p(x) = -1.7329
}

// Train on a toy data set of two patterns and check that the model learned them.
func ExampleRBM_Fit() {
	x := dataset.NewMatrix[float32](200, 6)
	for i := 0; i < x.Rows; i++ {
		for j := 0; j < 6; j++ {
			if (i%2 == 0) == (j < 3) {
				x.Data[i*6+j] = 1
			}
		}
	}
	m, err := rbm.New(rbm.Config{NumVisible: 6, NumHidden: 4, DType: tf.Double, Seed: 1, Epochs: 20, LearningRate: []float64{0.05}})
	if err != nil {
		log.Fatal(err)
	}
	defer m.Close()
	if _, err := m.Fit(context.Background(), x, nil, nil); err != nil {
		log.Fatal(err)
	}
	ll, err := m.LogLikelihood(x)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("log-likelihood per pattern above −1 nat: %v\n", ll > -1)
	// Output: log-likelihood per pattern above −1 nat: true
}

// The scikit-learn verbs: learn from a stream of chunks with PartialFit, then score rows and
// compute features. The two training patterns score above a pattern the model never saw.
func ExampleRBM_PartialFit() {
	chunk := func() *dataset.Matrix[float64] { // 50 rows: the two patterns 111000 and 000111, alternating
		x := dataset.NewMatrix[float64](50, 6)
		for i := 0; i < x.Rows; i++ {
			for j := 0; j < 6; j++ {
				if (i%2 == 0) == (j < 3) {
					x.Data[i*6+j] = 1
				}
			}
		}
		return x
	}
	m, err := rbm.New(rbm.Config{NumVisible: 6, NumHidden: 4, DType: tf.Double, Seed: 1, LearningRate: []float64{0.05}})
	if err != nil {
		log.Fatal(err)
	}
	defer m.Close()
	for i := 0; i < 40; i++ { // 40 chunks of a stream
		if err := m.PartialFit(context.Background(), chunk()); err != nil {
			log.Fatal(err)
		}
	}
	probe := &dataset.Matrix[float64]{Rows: 3, Cols: 6, Data: []float64{1, 1, 1, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 0, 1, 0, 1, 0}}
	s, err := m.ScoreSamples(probe)
	if err != nil {
		log.Fatal(err)
	}
	h, err := m.Transform(probe)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d updates; seen patterns score higher: %v; features %d×%d\n", m.Updates(), s[0] > s[2] && s[1] > s[2], h.Rows, h.Cols)
	// Output: 200 updates; seen patterns score higher: true; features 3×4
}

// A Config's zero value is the original's default RBM once NumVisible, the number of data
// columns, is set; a field out of range is a *ConfigError naming it. Keep is the probability of
// keeping a visible input (dropout 1 − Keep), so 1.5 is refused.
func ExampleConfig_Validate() {
	fmt.Println(rbm.Config{}.Validate())
	fmt.Println(rbm.Config{NumVisible: 784}.Validate())
	fmt.Println(rbm.Config{NumVisible: 784, Keep: 1.5}.Validate())
	// Output:
	// rbm: config: NumVisible: 0 units, want > 0 (the number of data columns)
	// <nil>
	// rbm: config: Keep: 1.5, want a keep probability in (0, 1]
}
