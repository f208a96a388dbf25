package pipeline

import (
	"cmp"
	"fmt"
	"strconv"

	"github.com/boltzmann-go/boltzmann/dataset"
)

// FeatureChunk is the number of rows transformed between progress updates.
const FeatureChunk = 5000

// A Featurizer computes hidden features with a trained RBM (p(h|v)) or DBM (mean-field posteriors
// of one hidden layer, or of all of them side by side).
type Featurizer struct {
	m     Model
	layer int // DBM: 1..L, or 0 for all layers concatenated
	std   *dataset.Standardizer
}

// Features are the settings of a Featurizer.
type Features struct {
	// Layer is "top" (also ""), "all" (a DBM's hidden layers side by side) or a DBM hidden
	// layer number, "1" for the bottom one.
	Layer string
	// GPU and Threads place the model in this process (rbm.LoadOn, dbm.LoadOn); Target, if
	// set, loads it into a session on that cluster task instead.
	GPU, Target string
	Threads     int
	// Standardized says that the rows given to Transform are standardized already: the
	// model's standardization (StandardizerFor) is not applied to them.
	Standardized bool
}

// Open loads the model in dir (a model folder, or a run folder holding model/). A
// standardizer.json beside the model folder (bm train -standardize) is applied to the data by
// Transform, which takes raw rows: callers must not standardize them themselves. A bad Layer
// is a *FieldError.
func (s Features) Open(dir string, h Hooks) (*Featurizer, error) {
	layer := cmp.Or(s.Layer, "top")
	dir = ResolveModelDir(dir)
	m, err := OpenModel(dir, Placement{GPU: s.GPU, Target: s.Target, Threads: s.Threads})
	if err != nil {
		return nil, err
	}
	f := &Featurizer{m: m, layer: 1}
	L := m.HiddenLayers()
	switch n, err := strconv.Atoi(layer); {
	case m.Kind() == "rbm" && layer != "top" && layer != "1":
		f.Close()
		return nil, fieldErr("Layer", "%q: an RBM has one hidden layer", layer)
	case layer == "top":
		f.layer = L
	case layer == "all":
		f.layer = 0
	case err != nil || n < 1 || n > L:
		f.Close()
		return nil, fieldErr("Layer", "%q, want top, all or a hidden layer 1..%d", layer, L)
	default:
		f.layer = n
	}
	if f.std, err = StandardizerFor(dir, h); err != nil {
		f.Close()
		return nil, err
	}
	if s.Standardized {
		f.std = nil
	}
	return f, nil
}

// Kind is the kind of the model the featurizer runs: "rbm" or "dbm".
func (f *Featurizer) Kind() string { return f.m.Kind() }

// Close releases the model.
func (f *Featurizer) Close() { f.m.Close() }

// Inputs is the number of visible units.
func (f *Featurizer) Inputs() int { return f.m.Inputs() }

// Transform returns the features of every row of x, in chunks, calling progress (if not nil)
// after each.
func (f *Featurizer) Transform(x *dataset.Matrix[float32], progress func(done, total int)) (*dataset.Matrix[float32], error) {
	if x.Rows == 0 {
		return nil, fmt.Errorf("the data has no rows")
	}
	if x.Cols != f.Inputs() {
		return nil, fmt.Errorf("the data has %d columns, the model %d visible units", x.Cols, f.Inputs())
	}
	var out *dataset.Matrix[float32]
	for i := 0; i < x.Rows; i += FeatureChunk {
		chunk := x.SliceRows(i, min(i+FeatureChunk, x.Rows))
		if f.std != nil {
			c := &dataset.Matrix[float32]{Rows: chunk.Rows, Cols: chunk.Cols, Data: append([]float32(nil), chunk.Data...)}
			if err := dataset.Standardize(f.std, c); err != nil {
				return nil, err
			}
			chunk = c
		}
		h, err := f.m.Features(chunk, f.layer)
		if err != nil {
			return nil, err
		}
		if out == nil {
			out = dataset.NewMatrix[float32](x.Rows, h.Cols)
		}
		for j, v := range h.Data {
			out.Data[i*h.Cols+j] = float32(v)
		}
		if progress != nil {
			progress(min(i+FeatureChunk, x.Rows), x.Rows)
		}
	}
	return out, nil
}
