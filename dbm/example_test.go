package dbm_test

import (
	"context"
	"fmt"
	"log"

	tf "github.com/galeone/tensorflow/tensorflow/go"

	"github.com/boltzmann-go/boltzmann/dbm"
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
