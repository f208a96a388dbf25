package rbm

import (
	"fmt"

	tf "github.com/galeone/tensorflow/tensorflow/go"

	"github.com/boltzmann-go/boltzmann/picture"
	"github.com/boltzmann-go/boltzmann/tfevents"
)

// SummaryOptions configure the TensorBoard summaries of NewSummaries.
type SummaryOptions struct {
	// ImageShape is the height, width and channels (1 or 3) of one visible vector seen as an
	// image, in channel-major order. Nil means no images.
	ImageShape []int
	// Filters is the number of hidden units whose weights are drawn as images. Zero means 64.
	Filters int
	// Reconstruct, if set, holds rows (e.g. a few validation images) whose reconstructions are
	// drawn beside them every epoch.
	Reconstruct Data
}

// Summaries writes TensorBoard event files for training: scalars of every metric, histograms of
// the weights, biases, velocities and hidden activations, and images of the filters and of
// reconstructions. Training events go to <dir>/train and validation events to <dir>/val, both
// with the number of minibatch updates as the step.
type Summaries struct {
	runs *tfevents.Runs
	opts SummaryOptions
}

// NewSummaries creates the event files under dir.
func NewSummaries(dir string, opts SummaryOptions) (*Summaries, error) {
	if opts.ImageShape != nil && (len(opts.ImageShape) != 3 || (opts.ImageShape[2] != 1 && opts.ImageShape[2] != 3)) {
		return nil, fmt.Errorf("rbm: summaries: image shape %v, want [height width channels] with 1 or 3 channels", opts.ImageShape)
	}
	if opts.Filters == 0 {
		opts.Filters = 64
	}
	runs, err := tfevents.NewRuns(dir)
	if err != nil {
		return nil, fmt.Errorf("rbm: summaries: %w", err)
	}
	return &Summaries{runs: runs, opts: opts}, nil
}

// Close flushes and closes the event files. It may be called more than once.
func (s *Summaries) Close() error { return s.runs.Close() }

// epoch writes the summaries of one epoch.
func (s *Summaries) epoch(m *RBM, st EpochStats) error {
	step := st.Updates
	if err := s.runs.Scalars(step, st.Train, st.Val); err != nil {
		return err
	}
	for k, v := range map[string]float64{"learning_rate": st.LearningRate, "momentum": st.Momentum, "cd_steps": float64(st.CDSteps)} {
		if err := s.runs.Train.Scalar("schedule/"+k, step, v); err != nil {
			return err
		}
	}
	names := []string{"weights/W", "weights/vb", "weights/hb", "velocities/dW", "velocities/dvb", "velocities/dhb"}
	outs, err := m.run(nil, m.paramReads(), nil)
	if err != nil {
		return err
	}
	for i, name := range names {
		if err := s.runs.Train.Histogram(name, step, outs[i]); err != nil {
			return err
		}
	}
	if st.HiddenMeans != nil {
		if err := s.runs.Train.Histogram("hidden/mean_activation", step, st.HiddenMeans); err != nil {
			return err
		}
	}
	if s.opts.ImageShape != nil {
		if err := s.images(m, outs[0], step); err != nil {
			return err
		}
	}
	return s.runs.Flush()
}

func (s *Summaries) images(m *RBM, w []float64, step int64) error {
	h, wd, c := s.opts.ImageShape[0], s.opts.ImageShape[1], s.opts.ImageShape[2]
	if h*wd*c != m.cfg.NumVisible {
		return fmt.Errorf("rbm: summaries: image shape %v has %d values, the model %d visible units", s.opts.ImageShape, h*wd*c, m.cfg.NumVisible)
	}
	n := min(s.opts.Filters, m.cfg.NumHidden)
	img, err := picture.Tiles(Filters(w, m.cfg.NumVisible, m.cfg.NumHidden, n), n, h, wd, c, 8, true)
	if err != nil {
		return err
	}
	if err := s.runs.Train.Image("filters", step, picture.Scale(img, 2)); err != nil {
		return err
	}
	if s.opts.Reconstruct == nil {
		return nil
	}
	rec, err := m.Reconstruct(s.opts.Reconstruct)
	if err != nil {
		return err
	}
	orig, err := rowsTensor(s.opts.Reconstruct, 0, rec.Rows, tf.Double)
	if err != nil {
		return err
	}
	data := make([]float64, 0, 2*len(rec.Data))
	ov := orig.Value().([][]float64)
	for i := 0; i < rec.Rows; i++ {
		data = append(data, ov[i]...)
		data = append(data, rec.Row(i)...)
	}
	img, err = picture.Tiles(data, 2*rec.Rows, h, wd, c, 2, false)
	if err != nil {
		return err
	}
	return s.runs.Train.Image("reconstructions", step, picture.Scale(img, 2))
}

// Filters returns the weights of the first n hidden units, one unit per row of nv values (the
// columns of W, given row-major as nv×nh), ready for picture.Tiles.
func Filters(w []float64, nv, nh, n int) []float64 {
	out := make([]float64, 0, n*nv)
	for j := 0; j < n; j++ {
		for i := 0; i < nv; i++ {
			out = append(out, w[i*nh+j])
		}
	}
	return out
}
