package tsne_test

import (
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/tsne"
)

// Embed three clusters of 10-dimensional points in the plane and measure how well they stay
// apart.
func ExampleEmbed() {
	r := rand.New(rand.NewPCG(1, 2))
	x := dataset.NewMatrix[float64](300, 10)
	labels := make([]int, 300)
	for i := range 300 {
		labels[i] = i % 3
		for j := range 10 {
			x.Data[i*10+j] = 5*float64(labels[i]*(j%2)) + r.NormFloat64()
		}
	}
	res, err := tsne.Embed(context.Background(), x, tsne.Config{Perplexity: 20, Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	acc, err := tsne.NeighborAccuracy(res.Y, labels, 5, 0)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d×%d embedding, 5-NN accuracy %.2f\n", res.Y.Rows, res.Y.Cols, acc)
	// Output: 300×2 embedding, 5-NN accuracy 1.00
}
