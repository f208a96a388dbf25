// Package summaries writes what training shows a person in TensorBoard: event files with the
// metrics of every epoch as scalars, histograms of the trained tensors and pictures of filters,
// reconstructions and persistent chains. It is reporting, kept outside the model packages: a
// model's Fit takes an OnEpoch hook, and RBM.Epoch or DBM.Epoch is that hook's body.
//
//	s, err := summaries.NewRBM("runs/x/logs", summaries.RBMOptions{ImageShape: []int{28, 28, 1}})
//	…
//	m.Fit(ctx, x, val, &rbm.FitOptions{OnEpoch: func(st rbm.EpochStats) error { return s.Epoch(m, st) }})
package summaries

import (
	"fmt"
	"image"
	"math"

	tf "github.com/galeone/tensorflow/tensorflow/go"

	"github.com/boltzmann-go/boltzmann/dataset"

	"github.com/boltzmann-go/boltzmann/picture"
	"github.com/boltzmann-go/boltzmann/tfevents"
	"github.com/boltzmann-go/boltzmann/train"
)

// newRuns checks an image shape [height, width, channels] (nil: no images) and creates the
// event files under dir, or continues the newest ones there (tfevents.ContinueRuns).
func newRuns(dir string, shape []int) (*tfevents.Runs, error) {
	if shape != nil && (len(shape) != 3 || shape[0] < 1 || shape[1] < 1 || (shape[2] != 1 && shape[2] != 3)) {
		return nil, fmt.Errorf("summaries: image shape %v, want [height width channels] with 1 or 3 channels", shape)
	}
	runs, err := tfevents.ContinueRuns(dir)
	if err != nil {
		return nil, fmt.Errorf("summaries: %w", err)
	}
	return runs, nil
}

// model is what the epoch summaries read of a trained model (*rbm.RBM, *dbm.DBM).
type model interface {
	Graph() *tf.Graph
	State() ([]train.Tensor, error)
}

// epochStart writes what every model's epoch summaries begin with: m's graph the first time
// (after the first epoch, when the training ops exist; *graph records it), then the epoch's
// training and validation scalars at step.
func epochStart(runs *tfevents.Runs, graph *bool, m model, step int64, trainM, val map[string]float64) error {
	if !*graph {
		if err := runs.Train.Graph(m.Graph()); err != nil {
			return err
		}
		*graph = true
	}
	return runs.Scalars(step, trainM, val)
}

// stateHistograms writes a histogram of every trained tensor of m and returns them.
func stateHistograms(w *tfevents.Writer, step int64, m model) ([]train.Tensor, error) {
	state, err := m.State()
	if err != nil {
		return nil, err
	}
	return state, histograms(w, step, state)
}

// histograms writes a histogram of every tensor of state.
func histograms(w *tfevents.Writer, step int64, state []train.Tensor) error {
	for _, t := range state {
		if err := w.Histogram(t.Name, step, t.Values); err != nil {
			return err
		}
	}
	return nil
}

// tiles draws n rows of values, each one image of shape, 8 to a row of tiles, scaled ×2; each
// image normalized to its own range when perImage is set.
func tiles(values []float64, n int, shape []int, perImage bool) (image.Image, error) {
	img, err := picture.Tiles(values, n, shape[0], shape[1], shape[2], 8, perImage)
	if err != nil {
		return nil, err
	}
	return picture.Scale(img, 2), nil
}

// activations writes the rows of h (hidden activations of a few fixed input rows, one row per
// input, one column per unit) as a histogram under tag and as a grey image of rows × units,
// white for the largest activation, under tag + "/image": the original's
// display_hidden_activations.
func activations(w *tfevents.Writer, step int64, tag string, h *dataset.Matrix[float64]) error {
	if err := w.Histogram(tag, step, h.Data); err != nil {
		return err
	}
	top := 1.0
	for _, v := range h.Data {
		top = max(top, v) // multinomial means count draws: scale to the largest
	}
	img := image.NewGray(image.Rect(0, 0, h.Cols, h.Rows))
	for i, v := range h.Data {
		img.Pix[i] = uint8(math.Round(255 * max(0, min(1, v/top))))
	}
	return w.Image(tag+"/image", step, picture.Scale(img, 2))
}

// iteration writes training metrics measured within an epoch as scalars "iter/<name>" at step
// (the number of updates): the original's train_metrics_every_iter.
func iteration(w *tfevents.Writer, step int64, metrics map[string]float64) error {
	for k, v := range metrics {
		if err := w.Scalar("iter/"+k, step, v); err != nil {
			return err
		}
	}
	return nil
}
