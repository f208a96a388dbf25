package dbm

import (
	"fmt"
	"math"

	"github.com/boltzmann-go/boltzmann/picture"
	"github.com/boltzmann-go/boltzmann/rbm"
	"github.com/boltzmann-go/boltzmann/tfevents"
)

// Summaries writes TensorBoard event files for DBM training: the metrics as scalars (training
// to <dir>/train, validation to <dir>/val), histograms of every weight matrix, bias and layer of
// the persistent particles, the largest weight-column norm of each layer, and, with an image
// shape, the first layer's filters and the visible particles as images. The step is the number
// of minibatch updates.
type Summaries struct {
	runs  *tfevents.Runs
	shape []int
}

// NewSummaries creates the event files under dir. imageShape ([height, width, channels]) may
// be nil for no images.
func NewSummaries(dir string, imageShape []int) (*Summaries, error) {
	if imageShape != nil && (len(imageShape) != 3 || (imageShape[2] != 1 && imageShape[2] != 3)) {
		return nil, fmt.Errorf("dbm: summaries: image shape %v, want [height width channels] with 1 or 3 channels", imageShape)
	}
	runs, err := tfevents.NewRuns(dir)
	if err != nil {
		return nil, fmt.Errorf("dbm: summaries: %w", err)
	}
	return &Summaries{runs: runs, shape: imageShape}, nil
}

// Close flushes and closes the event files; it may be called more than once.
func (s *Summaries) Close() error { return s.runs.Close() }

func (s *Summaries) epoch(m *DBM, st EpochStats) error {
	step := st.Updates
	if err := s.runs.Scalars(step, st.Train, st.Val); err != nil {
		return err
	}
	var names []string
	for i := range m.vars.W {
		names = append(names, fmt.Sprintf("weights/W%d", i))
	}
	for l := range m.vars.b {
		names = append(names, fmt.Sprintf("weights/b%d", l))
	}
	for l := range m.vars.particles {
		names = append(names, fmt.Sprintf("particles/x%d", l))
	}
	out, err := m.run(nil, m.paramReads(), nil)
	if err != nil {
		return err
	}
	for i, name := range names {
		if err := s.runs.Train.Histogram(name, step, out[i]); err != nil {
			return err
		}
	}
	c := m.cfg
	for i := range m.vars.W {
		if err := s.runs.Train.Scalar(fmt.Sprintf("max_column_norm/W%d", i), step, maxColumnNorm(out[i], c.Sizes[i], c.Sizes[i+1])); err != nil {
			return err
		}
	}
	if s.shape != nil && s.shape[0]*s.shape[1]*s.shape[2] == c.Sizes[0] {
		h, w, ch := s.shape[0], s.shape[1], s.shape[2]
		n := min(64, c.Sizes[1])
		img, err := picture.Tiles(rbm.Filters(out[0], c.Sizes[0], c.Sizes[1], n), n, h, w, ch, 8, true)
		if err != nil {
			return err
		}
		if err := s.runs.Train.Image("filters", step, picture.Scale(img, 2)); err != nil {
			return err
		}
		parts := out[len(m.vars.W)+len(m.vars.b)]
		k := min(64, c.Particles)
		img, err = picture.Tiles(parts[:k*c.Sizes[0]], k, h, w, ch, 8, false)
		if err != nil {
			return err
		}
		if err := s.runs.Train.Image("particles", step, picture.Scale(img, 2)); err != nil {
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
