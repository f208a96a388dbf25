package main

import (
	"encoding/csv"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/dbm"
	"github.com/boltzmann-go/boltzmann/internal/atomicfile"
	"github.com/boltzmann-go/boltzmann/pipeline"
	"github.com/boltzmann-go/boltzmann/rbm"
)

// featureChunk is the number of rows transformed between progress updates.
const featureChunk = 5000

// featurizer computes hidden features with a trained RBM (p(h|v)) or DBM (mean-field posteriors
// of one hidden layer, or of all of them side by side).
type featurizer struct {
	kind  string
	r     *rbm.RBM
	d     *dbm.DBM
	layer int // DBM: 1..L, or 0 for all layers concatenated
	std   *dataset.Standardizer
}

// openFeaturizer loads the model in dir. layer is "top", "all" or a DBM hidden layer number.
// A standardizer.json beside the model folder (bm train -standardize) is applied to the data by
// transform, which takes raw rows: callers must not standardize them themselves.
func openFeaturizer(dir, layer string, dev *device) (*featurizer, error) {
	dir = pipeline.ResolveModelDir(dir)
	kind, err := pipeline.ModelKind(dir)
	if err != nil {
		return nil, err
	}
	f := &featurizer{kind: kind}
	if kind == "rbm" {
		if layer != "top" && layer != "1" {
			return nil, flagErr("layer", "%q: an RBM has one hidden layer", layer)
		}
		if f.r, err = dev.loadRBM(dir); err != nil {
			return nil, err
		}
	} else {
		if f.d, err = dev.loadDBM(dir); err != nil {
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
				f.close()
				return nil, flagErr("layer", "%q, want top, all or a hidden layer 1..%d", layer, L)
			}
			f.layer = n
		}
	}
	if f.std, err = pipeline.StandardizerFor(dir, logHooks()); err != nil {
		f.close()
		return nil, err
	}
	return f, nil
}

func (f *featurizer) close() {
	if f.r != nil {
		f.r.Close()
	}
	if f.d != nil {
		f.d.Close()
	}
}

// inputs is the number of visible units.
func (f *featurizer) inputs() int {
	if f.r != nil {
		return f.r.Config().NumVisible
	}
	return f.d.Config().Sizes[0]
}

// transform returns the features of every row of x, in chunks, calling progress after each.
func (f *featurizer) transform(x *dataset.Matrix[float32], progress func(done, total int)) (*dataset.Matrix[float32], error) {
	if x.Rows == 0 {
		return nil, fmt.Errorf("the data has no rows")
	}
	if x.Cols != f.inputs() {
		return nil, fmt.Errorf("the data has %d columns, the model %d visible units", x.Cols, f.inputs())
	}
	var out *dataset.Matrix[float32]
	for i := 0; i < x.Rows; i += featureChunk {
		chunk := x.SliceRows(i, min(i+featureChunk, x.Rows))
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
			progress(min(i+featureChunk, x.Rows), x.Rows)
		}
	}
	return out, nil
}

func (f *featurizer) features(x *dataset.Matrix[float32]) (*dataset.Matrix[float64], error) {
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

// writeMatrix writes m to path as .npy (float32) or, for a .csv name, as CSV, atomically.
func writeMatrix(path string, m *dataset.Matrix[float32]) error {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".npy":
		return dataset.WriteNPY(path, m)
	case ".csv":
		return atomicfile.Write(path, func(w io.Writer) error {
			cw := csv.NewWriter(w)
			rec := make([]string, m.Cols)
			for i := 0; i < m.Rows; i++ {
				for j, v := range m.Row(i) {
					rec[j] = strconv.FormatFloat(float64(v), 'g', -1, 32)
				}
				if err := cw.Write(rec); err != nil {
					return err
				}
			}
			cw.Flush()
			return cw.Error()
		})
	}
	return fmt.Errorf("%s: want a .npy or .csv file name", path)
}
