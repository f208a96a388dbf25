package summaries

import (
	"fmt"
	"math"
	"strings"

	"github.com/boltzmann-go/boltzmann/dbm"
	"github.com/boltzmann-go/boltzmann/rbm"
	"github.com/boltzmann-go/boltzmann/tfevents"
)

// DBM writes TensorBoard event files for DBM training: the metrics as scalars (training to
// <dir>/train, validation to <dir>/val), histograms of every weight matrix, bias, velocity and
// layer of the persistent particles, the largest weight-column norm of each layer, and, with an image
// shape, the first layer's filters and the visible particles as images. The step is the number
// of minibatch updates.
type DBM struct {
	runs  *tfevents.Runs
	shape []int
	graph bool     // the model's graph is written
	probe rbm.Data // rows whose mean-field posteriors are drawn every epoch, or nil
}

// SetProbe sets a few rows (the original draws 36) whose mean-field posteriors q(h_l | x) are
// written every epoch, per hidden layer l, as a histogram "mu/layer<l>" and an image
// "mu/layer<l>/image".
func (s *DBM) SetProbe(x rbm.Data) { s.probe = x }

// NewDBM creates the event files under dir, or continues the newest ones there (a resumed run
// keeps one file per directory: tfevents.Continue). imageShape ([height, width, channels]) may be nil
// for no images.
func NewDBM(dir string, imageShape []int) (*DBM, error) {
	runs, err := newRuns(dir, imageShape)
	if err != nil {
		return nil, err
	}
	return &DBM{runs: runs, shape: imageShape}, nil
}

// Close flushes and closes the event files; it may be called more than once.
func (s *DBM) Close() error { return s.runs.Close() }

// Epoch writes the summaries of the epoch st of m (and, the first time, m's graph): call it
// from dbm.FitOptions.OnEpoch.
func (s *DBM) Epoch(m *dbm.DBM, st dbm.EpochStats) error {
	step := st.Updates
	if err := epochStart(s.runs, &s.graph, m, step, st.Train, st.Val); err != nil {
		return err
	}
	// The mean-field sweeps also under the original's tag, n_mf_updates.
	for _, w := range []struct {
		w interface {
			Scalar(tag string, step int64, v float64) error
		}
		m map[string]float64
	}{{s.runs.Train, st.Train}, {s.runs.Val, st.Val}} {
		if v, ok := w.m["mf_sweeps"]; ok {
			if err := w.w.Scalar("n_mf_updates", step, v); err != nil {
				return err
			}
		}
	}
	state, err := stateHistograms(s.runs.Train, step, m)
	if err != nil {
		return err
	}
	for _, t := range state {
		if name, ok := strings.CutPrefix(t.Name, "weights/W"); ok {
			if err := s.runs.Train.Scalar("max_column_norm/W"+name, step, maxColumnNorm(t.Values, t.Shape[0], t.Shape[1])); err != nil {
				return err
			}
		}
	}
	if s.probe != nil {
		mu, err := m.MeanField(s.probe)
		if err != nil {
			return err
		}
		for l, h := range mu {
			if err := activations(s.runs.Train, step, fmt.Sprintf("mu/layer%d", l+1), h); err != nil {
				return err
			}
		}
	}
	c := m.Config()
	if sh := s.shape; sh != nil && sh[0]*sh[1]*sh[2] == c.Sizes[0] {
		n := min(64, c.Sizes[1])
		img, err := tiles(rbm.Filters(state[0].Values, c.Sizes[0], c.Sizes[1], n), n, sh, true)
		if err != nil {
			return err
		}
		if err := s.runs.Train.Image("filters", step, img); err != nil {
			return err
		}
		// Deeper layers' filters, as the original draws them: the columns of W₀·W₁·…·W_i.
		prod, rows := state[0].Values, c.Sizes[0]
		for i := 1; i+1 < len(c.Sizes); i++ {
			k := min(64, c.Sizes[i+1])
			prod = firstColumnsOfProduct(prod, state[i].Values, rows, c.Sizes[i], c.Sizes[i+1], k)
			img, err := tiles(rbm.Filters(prod, rows, k, k), k, sh, true)
			if err != nil {
				return err
			}
			if err := s.runs.Train.Image(fmt.Sprintf("filters_layer%d", i+1), step, img); err != nil {
				return err
			}
			if i+2 < len(c.Sizes) {
				break // the next product needs all columns: the first two layers suffice to look at
			}
		}
		parts := state[2*len(c.Sizes)-1].Values // particles/x0 follows the weights and biases
		k := min(64, c.Particles)
		if img, err = tiles(parts[:k*c.Sizes[0]], k, sh, false); err != nil {
			return err
		}
		if err := s.runs.Train.Image("particles", step, img); err != nil {
			return err
		}
	}
	return s.runs.Flush()
}

// maxColumnNorm returns the largest L2 norm of a column of the rows×cols matrix w.
func maxColumnNorm(w []float64, rows, cols int) float64 {
	best := 0.0
	for j := 0; j < cols; j++ {
		var s float64
		for i := 0; i < rows; i++ {
			s += w[i*cols+j] * w[i*cols+j]
		}
		best = max(best, s)
	}
	return math.Sqrt(best)
}

// firstColumnsOfProduct returns the first k columns of a·b (a rows×n, b n×m, row-major) as a
// rows×k row-major matrix.
func firstColumnsOfProduct(a, b []float64, rows, n, m, k int) []float64 {
	out := make([]float64, rows*k)
	for r := 0; r < rows; r++ {
		for j := 0; j < n; j++ {
			v := a[r*n+j]
			if v == 0 {
				continue
			}
			for c := 0; c < k; c++ {
				out[r*k+c] += v * b[j*m+c]
			}
		}
	}
	return out
}

// Iteration writes training metrics measured within an epoch as scalars "iter/<name>" at the
// update count: use it as dbm.FitOptions.OnMetrics.
func (s *DBM) Iteration(updates int64, metrics map[string]float64) error {
	return iteration(s.runs.Train, updates, metrics)
}
