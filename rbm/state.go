package rbm

import (
	"github.com/boltzmann-go/boltzmann/internal/nest"
	"github.com/boltzmann-go/boltzmann/tfops"
	"github.com/boltzmann-go/boltzmann/train"
	tf "github.com/galeone/tensorflow/tensorflow/go"
)

// State returns the trained tensors by name, row-major: "weights/W" (NumVisible×NumHidden),
// "weights/vb", "weights/hb", and the velocities "velocities/dW", "velocities/dvb",
// "velocities/dhb" of the same shapes. Training checks them for divergence after every epoch
// and summaries draw them as histograms.
func (m *RBM) State() ([]train.Tensor, error) {
	out, err := m.run(nil, m.paramReads(), nil)
	if err != nil {
		return nil, err
	}
	nv, nh := m.cfg.NumVisible, m.cfg.NumHidden
	shapes := [][]int{{nv, nh}, {nv}, {nh}}
	names := []string{"W", "vb", "hb"}
	st := make([]train.Tensor, 0, 6)
	for i, name := range names {
		st = append(st, train.Tensor{Name: "weights/" + name, Shape: shapes[i], Values: out[i]})
	}
	for i, name := range names {
		st = append(st, train.Tensor{Name: "velocities/d" + name, Shape: shapes[i], Values: out[3+i]})
	}
	return st, nil
}

// AllFinite reports whether every weight, bias and velocity is finite, reduced in the graph
// (train.FiniteReporter: the divergence check after each epoch reads one bool, not the tensors).
func (m *RBM) AllFinite() (bool, error) {
	m.finiteOnce.Do(func() { m.finite = tfops.AllFinite(m.scope.SubScope("all_finite"), m.paramReads()) })
	out, err := m.sess.Run(nil, []tf.Output{m.finite}, nil)
	if err != nil {
		return false, nest.Within("rbm: ", err)
	}
	return out[0].Value().(bool), nil
}
