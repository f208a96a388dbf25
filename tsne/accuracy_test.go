package tsne

import (
	"testing"

	"github.com/boltzmann-go/boltzmann/dataset"
)

// TestNeighborAccuracy checks leave-one-out voting on points placed by hand.
func TestNeighborAccuracy(t *testing.T) {
	// Two tight groups on a line, and one point of class 1 inside group 0.
	y := &dataset.Matrix[float64]{Rows: 7, Cols: 2, Data: []float64{
		0, 0, 0.1, 0, 0.2, 0, 0.15, 0, // class 0, 0, 0, and a 1 among them
		10, 0, 10.1, 0, 10.2, 0, // class 1
	}}
	labels := []int{0, 0, 0, 1, 1, 1, 1}
	for _, tc := range []struct {
		k    int
		want float64
	}{
		// k=1: the stray 1's nearest is a 0, and the stray is the nearest of 0.1 and 0.2:
		// three wrong of seven.
		{1, 4.0 / 7},
		// k=3: every member of group 0 has the other three of the group; the stray sees three 0s.
		{3, 6.0 / 7},
	} {
		got, err := NeighborAccuracy(y, labels, tc.k, 2)
		if err != nil {
			t.Fatal(err)
		}
		if got != tc.want {
			t.Errorf("k=%d: accuracy %.4f, want %.4f", tc.k, got, tc.want)
		}
	}
}
