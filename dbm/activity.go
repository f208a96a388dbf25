package dbm

import (
	"github.com/boltzmann-go/boltzmann/internal/nest"
	"github.com/boltzmann-go/boltzmann/rbm"
)

// Activity describes how a hidden layer's units respond to data: each unit's mean mean-field
// activity, and the fractions of units that are dead (mean below 0.01) or saturated (above
// 0.99) — units that carry almost no information about the data.
type Activity struct {
	Mean            []float64
	Dead, Saturated float64
}

// Activity returns, for each hidden layer (bottom first), the activity of its units over the rows
// of x under the mean-field posterior (multinomial layers: per-draw probabilities).
func (m *DBM) Activity(x rbm.Data) ([]Activity, error) {
	mu, err := m.MeanField(x)
	if err != nil {
		return nil, nest.Within("dbm: activity", err)
	}
	out := make([]Activity, len(mu))
	for l, layer := range mu {
		a := Activity{Mean: make([]float64, layer.Cols)}
		draws := float64(drawsOf(m.cfg.Units[l+1]))
		for i := 0; i < layer.Rows; i++ {
			for j, v := range layer.Data[i*layer.Cols : (i+1)*layer.Cols] {
				a.Mean[j] += v / draws / float64(layer.Rows)
			}
		}
		for _, v := range a.Mean {
			switch {
			case v < 0.01:
				a.Dead++
			case v > 0.99:
				a.Saturated++
			}
		}
		a.Dead /= float64(layer.Cols)
		a.Saturated /= float64(layer.Cols)
		out[l] = a
	}
	return out, nil
}
