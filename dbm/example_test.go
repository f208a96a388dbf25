package dbm_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	tf "github.com/galeone/tensorflow/tensorflow/go"

	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/dbm"
	"github.com/boltzmann-go/boltzmann/rbm"
)

// A small 2-hidden-layer DBM with given parameters: its exact log partition function by
// enumeration (4.76133 by hand over the 2^6 joint states), and the AIS estimate of it.
func ExampleDBM_AISLogZ() {
	p := dbm.Parameters{
		W: [][]float64{{1, -1, 0.5, 0.5, -1, 1}, {0.5, -0.5}}, // 3×2 and 2×1
		B: [][]float64{{0, 0, 0}, {0.1, -0.1}, {0.2}},
	}
	m, err := dbm.NewWithParameters(dbm.Config{Sizes: []int{3, 2, 1}, DType: tf.Double, Seed: 1}, p)
	if err != nil {
		log.Fatal(err)
	}
	defer m.Close()
	exact, err := m.ExactLogZ()
	if err != nil {
		log.Fatal(err)
	}
	est, err := m.AISLogZ(context.Background(), dbm.AISOptions{Betas: 1000, Runs: 100})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("exact log Z = %.3f, AIS within 0.01: %v\n", exact, est.LogZ-exact < 0.01 && exact-est.LogZ < 0.01)
	// Output: exact log Z = 4.761, AIS within 0.01: true
}

// Greedy pretraining for a DBM (Salakhutdinov & Hinton 2009): the bottom RBM trained with
// DBMFirst, the top one with DBMLast, then composed; RBMs not trained for it are refused.
func ExampleFromRBMs() {
	x := &dataset.Matrix[float64]{Rows: 8, Cols: 4, Data: []float64{
		1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 1, 1, 0, 0, 1, 1, 1, 0, 1, 0, 0, 1, 0, 1, 1, 1, 1, 1, 0, 0, 0, 0}}
	ctx := context.Background()
	bottom, err := rbm.New(rbm.Config{NumVisible: 4, NumHidden: 3, DType: tf.Double, Seed: 1, Epochs: 5, BatchSize: 4, DBMFirst: true})
	if err != nil {
		log.Fatal(err)
	}
	defer bottom.Close()
	if _, err := bottom.Fit(ctx, x, nil, nil); err != nil {
		log.Fatal(err)
	}
	h, err := bottom.Transform(x) // the top RBM's data: p(h | x) of the bottom one
	if err != nil {
		log.Fatal(err)
	}
	top, err := rbm.New(rbm.Config{NumVisible: 3, NumHidden: 2, DType: tf.Double, Seed: 2, Epochs: 5, BatchSize: 4, DBMLast: true})
	if err != nil {
		log.Fatal(err)
	}
	defer top.Close()
	if _, err := top.Fit(ctx, h, nil, nil); err != nil {
		log.Fatal(err)
	}
	m, err := dbm.FromRBMs(dbm.Config{DType: tf.Double, Seed: 3}, bottom, top)
	if err != nil {
		log.Fatal(err)
	}
	defer m.Close()
	fmt.Println("layers:", m.Config().Sizes)

	_, err = dbm.FromRBMs(dbm.Config{DType: tf.Double}, top, bottom)
	fmt.Println(errors.Is(err, dbm.ErrNotPretrained), err)
	// Output:
	// layers: [4 3 2]
	// true dbm: compose: RBM 1 of 2 has DBMFirst false and DBMLast true, want true and false: RBM not trained for DBM pretraining
}
