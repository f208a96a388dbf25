package summaries

import (
	"fmt"

	"github.com/boltzmann-go/boltzmann/picture"
	"github.com/boltzmann-go/boltzmann/rbm"
	"github.com/boltzmann-go/boltzmann/tfevents"
	"github.com/boltzmann-go/boltzmann/tfops"

	tf "github.com/galeone/tensorflow/tensorflow/go"
)

// RBMOptions configure the summaries of NewRBM.
type RBMOptions struct {
	// ImageShape is the height, width and channels (1 or 3) of one visible vector seen as an
	// image, in channel-major order. Nil means no images.
	ImageShape []int
	// Filters is the number of hidden units whose weights are drawn as images. Zero means 64.
	Filters int
	// Reconstruct, if set, holds rows (e.g. a few validation images) whose reconstructions are
	// drawn beside them every epoch.
	Reconstruct rbm.Data
	// Hidden, if set, holds rows (the original draws 36) whose hidden activations p(h | v) are
	// written every epoch as a histogram "hidden_activations" and an image
	// "hidden_activations/image" (rows × units).
	Hidden rbm.Data
}

// RBM writes TensorBoard event files for RBM training: scalars of every metric and schedule
// value, histograms of the weights, biases, velocities and hidden activations, and images of
// the filters and of reconstructions. Training events go to <dir>/train and validation events
// to <dir>/val, both with the number of minibatch updates as the step.
type RBM struct {
	runs  *tfevents.Runs
	opts  RBMOptions
	graph bool // the model's graph is written
}

// NewRBM creates the event files under dir, or continues the newest ones there (a resumed run
// keeps one file per directory: tfevents.Continue).
func NewRBM(dir string, opts RBMOptions) (*RBM, error) {
	if opts.Filters == 0 {
		opts.Filters = 64
	}
	runs, err := newRuns(dir, opts.ImageShape)
	if err != nil {
		return nil, err
	}
	return &RBM{runs: runs, opts: opts}, nil
}

// Close flushes and closes the event files. It may be called more than once.
func (s *RBM) Close() error { return s.runs.Close() }

// Epoch writes the summaries of the epoch st of m (and, the first time, m's graph): call it
// from rbm.FitOptions.OnEpoch.
func (s *RBM) Epoch(m *rbm.RBM, st rbm.EpochStats) error {
	step := st.Updates
	if err := epochStart(s.runs, &s.graph, m, step, st.Train, st.Val); err != nil {
		return err
	}
	for k, v := range map[string]float64{"learning_rate": st.LearningRate, "momentum": st.Momentum, "cd_steps": float64(st.CDSteps)} {
		if err := s.runs.Train.Scalar("schedule/"+k, step, v); err != nil {
			return err
		}
	}
	state, err := stateHistograms(s.runs.Train, step, m)
	if err != nil {
		return err
	}
	if st.HiddenMeans != nil {
		if err := s.runs.Train.Histogram("hidden/mean_activation", step, st.HiddenMeans); err != nil {
			return err
		}
	}
	if s.opts.Hidden != nil {
		h, err := m.Transform(s.opts.Hidden)
		if err != nil {
			return err
		}
		if err := activations(s.runs.Train, step, "hidden_activations", h); err != nil {
			return err
		}
	}
	if s.opts.ImageShape != nil {
		if err := s.images(m, state[0].Values, step); err != nil {
			return err
		}
	}
	return s.runs.Flush()
}

func (s *RBM) images(m *rbm.RBM, w []float64, step int64) error {
	shape := s.opts.ImageShape
	c := m.Config()
	if shape[0]*shape[1]*shape[2] != c.NumVisible {
		return fmt.Errorf("summaries: image shape %v has %d values, the model %d visible units", shape, shape[0]*shape[1]*shape[2], c.NumVisible)
	}
	n := min(s.opts.Filters, c.NumHidden)
	img, err := tiles(rbm.Filters(w, c.NumVisible, c.NumHidden, n), n, shape, true)
	if err != nil {
		return err
	}
	if err := s.runs.Train.Image("filters", step, img); err != nil {
		return err
	}
	if s.opts.Reconstruct == nil {
		return nil
	}
	rec, err := m.Reconstruct(s.opts.Reconstruct)
	if err != nil {
		return err
	}
	orig, err := tfops.RowsTensor(s.opts.Reconstruct, 0, rec.Rows, tf.Double)
	if err != nil {
		return err
	}
	data := make([]float64, 0, 2*len(rec.Data))
	ov := orig.Value().([][]float64)
	for i := 0; i < rec.Rows; i++ {
		data = append(data, ov[i]...)
		data = append(data, rec.Row(i)...)
	}
	pic, err := picture.Tiles(data, 2*rec.Rows, shape[0], shape[1], shape[2], 2, false)
	if err != nil {
		return err
	}
	return s.runs.Train.Image("reconstructions", step, picture.Scale(pic, 2))
}

// Iteration writes training metrics measured within an epoch as scalars "iter/<name>" at the
// update count: use it as rbm.FitOptions.OnMetrics.
func (s *RBM) Iteration(updates int64, metrics map[string]float64) error {
	return iteration(s.runs.Train, updates, metrics)
}
