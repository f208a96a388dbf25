package rbm

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/floats"

	"github.com/boltzmann-go/boltzmann/dataset"
)

// enumChunk is the number of states evaluated per Session.Run during enumeration.
const enumChunk = 1 << 14

// ExactLogZ returns the exact log partition function log Z = log Σ_v Σ_h exp(−E(v, h)), summing the
// free energy of every state of the smaller enumerable layer (at most 2^20 states); for
// Gaussian visible units the hidden layer is enumerated and the visible one integrated.
func (m *RBM) ExactLogZ() (float64, error) {
	c := m.cfg
	vStates, verr := c.Visible.States(c.NumVisible)
	hStates, herr := c.Hidden.States(c.NumHidden)
	useHidden := herr == nil && (verr != nil || len(hStates)/c.NumHidden <= len(vStates)/c.NumVisible)
	var f []float64
	var err error
	switch {
	case useHidden:
		f, err = m.energies(hStates, c.NumHidden, true)
	case verr == nil:
		f, err = m.energies(vStates, c.NumVisible, false)
	default:
		return 0, fmt.Errorf("rbm: log Z: neither layer can be enumerated: %v; %v", verr, herr)
	}
	if err != nil {
		return 0, err
	}
	return logSumExpNeg(f), nil
}

// energies returns the free energies of the given states (rows of n values) of the hidden or
// visible layer.
func (m *RBM) energies(states []float64, n int, hidden bool) ([]float64, error) {
	e := m.evalGraph()
	rows := len(states) / n
	out := make([]float64, 0, rows)
	for i := 0; i < rows; i += enumChunk {
		end := min(i+enumChunk, rows)
		chunk := &dataset.Matrix[float64]{Rows: end - i, Cols: n, Data: states[i*n : end*n]}
		input, fe := e.x, e.fe
		if hidden {
			input, fe = e.h, e.hfe
		}
		r, err := m.rowwise(chunk, 1, input, fe, "log Z")
		if err != nil {
			return nil, err
		}
		out = append(out, r.Data...)
	}
	return out, nil
}

// logSumExpNeg returns log Σ exp(−f_i), stably (gonum's floats.LogSumExp of −f); −Inf for no f.
func logSumExpNeg(f []float64) float64 {
	if len(f) == 0 {
		return math.Inf(-1)
	}
	neg := make([]float64, len(f))
	for i, v := range f {
		neg[i] = -v
	}
	return floats.LogSumExp(neg)
}

// LogLikelihood returns the exact mean log-likelihood (1/n)·Σ log p(x_i) = mean(−F(x_i)) − log Z
// of the rows of x (a log density for Gaussian visible units). It needs LogZ, so the model must
// be small enough to enumerate.
func (m *RBM) LogLikelihood(x Data) (float64, error) {
	logZ, err := m.ExactLogZ()
	if err != nil {
		return 0, err
	}
	f, err := m.FreeEnergy(x)
	if err != nil {
		return 0, err
	}
	var s float64
	for _, v := range f {
		s -= v
	}
	return s/float64(len(f)) - logZ, nil
}
