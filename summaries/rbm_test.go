package summaries

import (
	"slices"
	"testing"

	"github.com/boltzmann-go/boltzmann/rbm"
)

// TestRBM trains with TensorBoard summaries and reads the event files back.
func TestRBM(t *testing.T) {
	dir := trainRBM(t, 2, rbm.Metrics{MSRE: true, PLL: true, FEG: true, Hidden: true, FEGEvery: 1, TrainEvery: 1})
	for sub, want := range map[string][]string{
		"train": {"msre", "pll", "hidden_mean", "weights/W", "velocities/dW", "hidden/mean_activation", "filters", "reconstructions", "schedule/momentum"},
		"val":   {"msre", "pll", "feg"},
	} {
		got := steps(t, dir, sub)
		for _, tag := range want {
			// Two epochs of 4 updates each: steps 4 and 8.
			if s := got[tag]; !slices.Equal(s, []int64{4, 8}) {
				t.Errorf("%s/%s: steps %v, want [4 8]", sub, tag, s)
			}
		}
	}
}

func TestBadImageShape(t *testing.T) {
	for _, shape := range [][]int{{4, 4}, {4, 4, 2}, {0, 4, 1}} {
		if _, err := NewRBM(t.TempDir(), RBMOptions{ImageShape: shape}); err == nil {
			t.Errorf("NewRBM accepted image shape %v", shape)
		}
		if _, err := NewDBM(t.TempDir(), shape); err == nil {
			t.Errorf("NewDBM accepted image shape %v", shape)
		}
	}
}
