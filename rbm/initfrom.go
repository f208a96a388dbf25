package rbm

import (
	"fmt"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"gonum.org/v1/gonum/mat"

	"github.com/boltzmann-go/boltzmann/internal/nest"
	"github.com/boltzmann-go/boltzmann/tfops"
)

// InitFrom copies the weights, biases and velocities of o into m, as the original's init_from:
// build a model with different graph-level settings (dropout, sampling, sparsity, DBM flags …)
// and continue from a trained one. Both must have the same numbers of units; unit types and
// dtypes may differ. The epoch and update counters are not copied: m starts its own schedule.
func (m *RBM) InitFrom(o *RBM) error {
	if m.cfg.NumVisible != o.cfg.NumVisible || m.cfg.NumHidden != o.cfg.NumHidden {
		return fmt.Errorf("rbm: init from a %d×%d model into a %d×%d one: %w",
			o.cfg.NumVisible, o.cfg.NumHidden, m.cfg.NumVisible, m.cfg.NumHidden, ErrShape)
	}
	vals, err := o.run(nil, o.paramReads(), nil)
	if err != nil {
		return err
	}
	v := m.vars
	dst := []*tfops.Variable{v.W, v.vb, v.hb, v.dW, v.dvb, v.dhb}
	tensors := make([]*tf.Tensor, len(dst))
	for i, d := range dst {
		if tensors[i], err = tfops.TensorAs(vals[i], m.cfg.DType, d.Shape...); err != nil {
			return err
		}
	}
	if err := tfops.InitVariables(m.sess, dst, tensors); err != nil {
		return nest.Within("rbm: init from", err)
	}
	return nil
}

// Flatten returns the elements of a gonum matrix in row-major order, the layout of
// Config.InitW (a NumVisible×NumHidden matrix).
func Flatten(a mat.Matrix) []float64 {
	r, c := a.Dims()
	out := make([]float64, 0, r*c)
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			out = append(out, a.At(i, j))
		}
	}
	return out
}
