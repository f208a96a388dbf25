package dbm

import (
	"math"
	"testing"

	tf "github.com/galeone/tensorflow/tensorflow/go"

	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/tfops"
)

// TestMeanFieldToleranceDistance: mean field stopped at a loose tolerance τ (no variational
// parameter moved by more than τ in the last sweep) lands within 2·τ of the fixed point reached
// by 300 sweeps at tolerance 1e-12, on a tiny DBM whose weights couple the layers strongly (std
// 1), in float64 and float32. Twice τ is the distance left by sweeps that contract by 2/3 or
// better (measured: 0.59·τ, 0.39·τ, 0.62·τ at τ = 1e-2, 1e-3, 1e-4); the test also requires the
// loosest tolerance to stop short of the fixed point, so it cannot pass by not stopping.
func TestMeanFieldToleranceDistance(t *testing.T) {
	x := dataset.NewMatrix[float64](200, 8)
	for i := range x.Data {
		x.Data[i] = float64((i*7+3)%11) / 10
	}
	for _, dt := range []tf.DataType{tf.Double, tf.Float} {
		mu := func(tol float64, steps int) []*dataset.Matrix[float64] {
			m, err := New(Config{Sizes: []int{8, 6, 5}, DType: dt, Seed: 4, WeightStd: 1, MeanFieldSteps: steps, MeanFieldTol: tol})
			if err != nil {
				t.Fatal(err)
			}
			defer m.Close()
			r, err := m.MeanField(x)
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		ref := mu(1e-12, 300)
		for _, tol := range []float64{1e-2, 1e-3, 1e-4} {
			got := mu(tol, 300)
			worst := 0.0
			for l := range ref {
				for i, v := range ref[l].Data {
					worst = math.Max(worst, math.Abs(got[l].Data[i]-v))
				}
			}
			t.Logf("%s: tolerance %g: largest distance to the fixed point %.3g", tfops.DTypeName(dt), tol, worst)
			if worst > 2*tol {
				t.Errorf("%s: tolerance %g: μ is %.3g from the fixed point, more than 2·τ", tfops.DTypeName(dt), tol, worst)
			}
			if tol == 1e-2 && worst == 0 {
				t.Errorf("%s: tolerance %g reached the fixed point exactly: the sweeps did not stop early", tfops.DTypeName(dt), tol)
			}
		}
	}
}
