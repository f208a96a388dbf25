package pipeline

import (
	"cmp"
	"fmt"
	"strconv"

	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/dbm"
	"github.com/boltzmann-go/boltzmann/rbm"
)

// FeatureChunk is the number of rows transformed between progress updates.
const FeatureChunk = 5000

// A Featurizer computes hidden features with a trained RBM (p(h|v)) or DBM (mean-field posteriors
// of one hidden layer, or of all of them side by side).
type Featurizer struct {
	kind  string
	r     *rbm.RBM
	d     *dbm.DBM
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
	kind, err := ModelKind(dir)
	if err != nil {
		return nil, err
	}
	f := &Featurizer{kind: kind}
	if kind == "rbm" {
		if layer != "top" && layer != "1" {
			return nil, fieldErr("Layer", "%q: an RBM has one hidden layer", layer)
		}
		if f.r, err = s.loadRBM(dir); err != nil {
			return nil, err
		}
	} else {
		if f.d, err = s.loadDBM(dir); err != nil {
			return nil, err
		}
		L := len(f.d.Config().Sizes) - 1
		switch layer {
		case "top":
			f.layer = L
		case "all":
			f.layer = 0
		default:
			n, err := strconv.Atoi(layer)
			if err != nil || n < 1 || n > L {
				f.Close()
				return nil, fieldErr("Layer", "%q, want top, all or a hidden layer 1..%d", layer, L)
			}
			f.layer = n
		}
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
func (f *Featurizer) Kind() string { return f.kind }

// Close releases the model.
func (f *Featurizer) Close() {
	if f.r != nil {
		f.r.Close()
	}
	if f.d != nil {
		f.d.Close()
	}
}

// Inputs is the number of visible units.
func (f *Featurizer) Inputs() int {
	if f.r != nil {
		return f.r.Config().NumVisible
	}
	return f.d.Config().Sizes[0]
}

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
		h, err := f.features(chunk)
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

func (f *Featurizer) features(x *dataset.Matrix[float32]) (*dataset.Matrix[float64], error) {
	if f.r != nil {
		return f.r.Transform(x)
	}
	mu, err := f.d.MeanField(x)
	if err != nil {
		return nil, err
	}
	if f.layer > 0 {
		return mu[f.layer-1], nil
	}
	cols := 0
	for _, m := range mu {
		cols += m.Cols
	}
	out := dataset.NewMatrix[float64](x.Rows, cols)
	for i := 0; i < x.Rows; i++ {
		row := out.Row(i)[:0]
		for _, m := range mu {
			row = append(row, m.Row(i)...)
		}
	}
	return out, nil
}

func (s Features) loadRBM(dir string) (*rbm.RBM, error) {
	if s.Target != "" {
		return rbm.LoadAt(dir, s.Target, s.Threads)
	}
	return rbm.LoadOn(dir, s.GPU, s.Threads)
}

func (s Features) loadDBM(dir string) (*dbm.DBM, error) {
	if s.Target != "" {
		return dbm.LoadAt(dir, s.Target, s.Threads)
	}
	return dbm.LoadOn(dir, s.GPU, s.Threads)
}
