package dbm

import (
	"fmt"

	"github.com/boltzmann-go/boltzmann/internal/nest"
	"github.com/boltzmann-go/boltzmann/tfops"
	"github.com/boltzmann-go/boltzmann/train"
	tf "github.com/galeone/tensorflow/tensorflow/go"
)

// State returns the trained tensors by name, row-major: the weights "weights/W0" … (layer i to
// i+1, Sizes[i]×Sizes[i+1]), the biases "weights/b0" … (one per layer, visible first), the
// persistent particles "particles/x0" … (Particles×Sizes[l]) and the velocities
// "velocities/dW0" …, "velocities/db0" …. Training checks them for
// divergence after every epoch and summaries draw them.
func (m *DBM) State() ([]train.Tensor, error) {
	out, err := m.run(nil, m.paramReads(), nil)
	if err != nil {
		return nil, err
	}
	c := m.cfg
	var st []train.Tensor
	k := 0
	add := func(name string, shape ...int) {
		st = append(st, train.Tensor{Name: name, Shape: shape, Values: out[k]})
		k++
	}
	for i := range m.vars.W {
		add(fmt.Sprintf("weights/W%d", i), c.Sizes[i], c.Sizes[i+1])
	}
	for l := range m.vars.b {
		add(fmt.Sprintf("weights/b%d", l), c.Sizes[l])
	}
	for l := range m.vars.particles {
		add(fmt.Sprintf("particles/x%d", l), c.Particles, c.Sizes[l])
	}
	for i := range m.vars.dW {
		add(fmt.Sprintf("velocities/dW%d", i), c.Sizes[i], c.Sizes[i+1])
	}
	for l := range m.vars.db {
		add(fmt.Sprintf("velocities/db%d", l), c.Sizes[l])
	}
	return st, nil
}

// AllFinite reports whether every weight, bias and particle is finite, reduced in the graph
// (train.FiniteReporter).
func (m *DBM) AllFinite() (bool, error) {
	m.finiteOnce.Do(func() { m.finite = tfops.AllFinite(m.scope.SubScope("all_finite"), m.paramReads()) })
	out, err := m.sess.Run(nil, []tf.Output{m.finite}, nil)
	if err != nil {
		return false, nest.Within("dbm: ", err)
	}
	return out[0].Value().(bool), nil
}
