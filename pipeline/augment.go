package pipeline

import (
	"fmt"
	"time"

	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/dbm"
	"github.com/boltzmann-go/boltzmann/mlp"
)

// The DBM computes the augmented columns inside the exported classifier (mlp.Augmented).
var _ mlp.Featurer = (*dbm.DBM)(nil)

// AugmentTop is the fine-tuning input of Salakhutdinov & Hinton (2009, §4): every image
// followed by the 2-layer DBM's mean-field posterior of its top layer, q(h₂ | x), computed once
// with the DBM's own mean field. The first hidden layer then sees what the DBM's mean field
// gives h₁ — x·W₁ + q(h₂)·W₂ᵀ + b₁ — so its kernel starts as W₁ stacked on W₂ᵀ. The original
// fine-tunes on x alone; this is the paper's recipe, behind --mlp-augment.
//
// It returns d with the columns appended to its training, validation and test rows, hidden
// with the first layer's kernel widened to match, and the DBM, which computes the columns in the
// fine-tuned classifier's SavedModel (mlp.Augmented); the caller closes it.
func AugmentTop(modelDir string, d *Labeled, hidden []mlp.Layer, h Hooks) (_ *Labeled, _ []mlp.Layer, _ *dbm.DBM, err error) {
	m, err := dbm.Load(ResolveModelDir(modelDir))
	if err != nil {
		return nil, nil, nil, err
	}
	defer func() {
		if err != nil {
			m.Close()
		}
	}()
	sizes := m.Config().Sizes
	if len(sizes) != 3 || len(hidden) != 2 || hidden[0].Units != sizes[1] || hidden[1].Units != sizes[2] {
		return nil, nil, nil, fieldErr("Augment", "needs a DBM with 2 hidden layers and the MLP initialised from it (model %v)", sizes)
	}
	w2 := hidden[1].InitW // sizes[1] × sizes[2], row-major
	if hidden[0].InitW == nil || w2 == nil {
		return nil, nil, nil, fieldErr("Augment", "the augmented input's first kernel starts from the DBM's weights: not with --mlp-no-init")
	}
	start := time.Now()
	out := &Labeled{YTrain: d.YTrain, YVal: d.YVal, YTest: d.YTest}
	for _, set := range []struct {
		in  *dataset.Matrix[float32]
		out **dataset.Matrix[float32]
	}{{d.Train, &out.Train}, {d.Val, &out.Val}, {d.Test, &out.Test}} {
		if set.in == nil || set.in.Rows == 0 {
			*set.out = set.in
			continue
		}
		q, err := m.Transform(set.in)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("mlp-augment: mean field of the DBM's top layer: %w", err)
		}
		*set.out = AppendCols(set.in, q)
	}
	h.logf("mlp-augment: inputs are the images and the DBM's mean-field q(h2|x) (%d + %d columns), %.0f s", sizes[0], sizes[2], time.Since(start).Seconds())

	n1, n2 := sizes[1], sizes[2]
	first := hidden[0]
	first.InitW = make([]float64, 0, (sizes[0]+n2)*n1)
	first.InitW = append(first.InitW, hidden[0].InitW...)
	for j := 0; j < n2; j++ { // row j of W₂ᵀ is column j of W₂
		for i := 0; i < n1; i++ {
			first.InitW = append(first.InitW, w2[i*n2+j])
		}
	}
	return out, []mlp.Layer{first, hidden[1]}, m, nil
}

// AppendCols returns the rows of a followed by those of b, column-wise: a.Rows × (a.Cols+b.Cols).
func AppendCols(a *dataset.Matrix[float32], b *dataset.Matrix[float64]) *dataset.Matrix[float32] {
	out := dataset.NewMatrix[float32](a.Rows, a.Cols+b.Cols)
	for r := 0; r < a.Rows; r++ {
		row := out.Data[r*out.Cols : (r+1)*out.Cols]
		copy(row, a.Data[r*a.Cols:(r+1)*a.Cols])
		for c, v := range b.Data[r*b.Cols : (r+1)*b.Cols] {
			row[a.Cols+c] = float32(v)
		}
	}
	return out
}
