package mlp_test

import (
	"context"
	"fmt"
	"log"

	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/mlp"
)

// An MLP learns XOR: two sigmoid hidden units are enough.
func Example() {
	x := &dataset.Matrix[float64]{Rows: 4, Cols: 2, Data: []float64{0, 0, 0, 1, 1, 0, 1, 1}}
	y := []int{0, 1, 1, 0}
	m, err := mlp.New(mlp.Config{
		Inputs: 2, BatchSize: 4, Epochs: 2000, LearningRate: 0.05,
		Layers: []mlp.Layer{
			{Units: 8, Activation: mlp.Sigmoid, Seed: 1},
			{Units: 2, Activation: mlp.Softmax, Seed: 2},
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	defer m.Close()
	if _, err := m.Fit(context.Background(), x, y, nil, nil, nil); err != nil {
		log.Fatal(err)
	}
	pred, err := m.Classify(x)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(pred)
	// Output: [0 1 1 0]
}
