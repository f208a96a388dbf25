package rbm

import (
	"context"
	"math"
	"testing"

	tf "github.com/galeone/tensorflow/tensorflow/go"

	"github.com/boltzmann-go/boltzmann/anneal"
	"github.com/boltzmann-go/boltzmann/dataset"
)

// TestAISAgainstExact: AIS and reverse AIS of the tiny RBMs (Bernoulli, multinomial with one and
// two groups, Gaussian visible) from each base land within hundredths of a nat of the exact log Z.
func TestAISAgainstExact(t *testing.T) {
	for _, tm := range tinies {
		tm := tm.withParams(4)
		t.Run(tm.name, func(t *testing.T) {
			m := tm.model(t, tf.Double, nil)
			want, err := m.ExactLogZ()
			if err != nil {
				t.Fatal(err)
			}
			rates := make([]float64, tm.nv)
			for i := range rates {
				rates[i] = 0.3 + 0.1*float64(i%3)
			}
			for _, o := range []anneal.Options{{}, {Base: anneal.BaseUniform, Schedule: anneal.ScheduleSegments}, {Base: anneal.BaseRate, BaseRates: rates, SweepsPerBeta: 2}} {
				o.Betas, o.Runs = 1000, 200
				est, err := m.AISLogZ(context.Background(), o)
				if err != nil {
					t.Fatal(err)
				}
				if math.Abs(est.LogZ-want) > 0.05 {
					t.Errorf("AIS %+v: log Ẑ %.4f, exact %.4f", o, est.LogZ, want)
				}
			}
			x := dataset.NewMatrix[float64](200, tm.nv)
			for i := range x.Data {
				x.Data[i] = float64((i*7 + i/3) % 2)
			}
			rev, err := m.ReverseAISLogZ(context.Background(), x, anneal.ReverseOptions{Options: anneal.Options{Betas: 1000}, BurnIn: 500})
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(rev.LogZ-want) > 0.06 {
				t.Errorf("reverse AIS: log Ẑ %.4f, exact %.4f", rev.LogZ, want)
			}
		})
	}
}
