package pipeline

import (
	"fmt"

	"github.com/boltzmann-go/boltzmann/dbm"
	"github.com/boltzmann-go/boltzmann/mlp"
	"github.com/boltzmann-go/boltzmann/rbm"
)

// InitNet is the start of a fine-tuned MLP: one sigmoid layer per hidden layer of a pretrained
// RBM (W, hidden bias) or DBM (W_l, b_{l+1}), the original's Glorot seeds for the random-init
// baseline (RBM: 1111, output 2222; DBM: 3333, 4444, …, output the next) and the names of the
// saved fine-tuned kernels (W_finetuned; W1_finetuned, W2_finetuned, …).
type InitNet struct {
	Layers  []mlp.Layer
	Seeds   []int64
	OutSeed int64
	Weights []string
}

// LoadInitNet reads the RBM or DBM saved in dir (a model folder, or a run folder holding
// model/).
func LoadInitNet(dir string) (*InitNet, error) {
	dir = ResolveModelDir(dir)
	kind, err := ModelKind(dir)
	if err != nil {
		return nil, err
	}
	if kind == "rbm" {
		r, err := rbm.Load(dir)
		if err != nil {
			return nil, err
		}
		defer r.Close()
		w, _, hb, err := r.Weights()
		if err != nil {
			return nil, err
		}
		return &InitNet{Layers: []mlp.Layer{{Units: r.Config().NumHidden, Activation: mlp.Sigmoid, InitW: w, InitB: hb, Seed: 1111}},
			Seeds: []int64{1111}, OutSeed: 2222, Weights: []string{"W_finetuned"}}, nil
	}
	m, err := dbm.Load(dir)
	if err != nil {
		return nil, err
	}
	defer m.Close()
	p, err := m.Parameters()
	if err != nil {
		return nil, err
	}
	sizes := m.Config().Sizes
	n := &InitNet{OutSeed: int64(3333 + 1111*len(p.W))}
	for l := range p.W {
		seed := int64(3333 + 1111*l)
		n.Layers = append(n.Layers, mlp.Layer{Units: sizes[l+1], Activation: mlp.Sigmoid, InitW: p.W[l], InitB: p.B[l+1], Seed: seed})
		n.Seeds = append(n.Seeds, seed)
		n.Weights = append(n.Weights, fmt.Sprintf("W%d_finetuned", l+1))
	}
	return n, nil
}

// Hidden returns the pretrained layers, or with random the same sizes with Glorot draws from
// the original's seeds.
func (n *InitNet) Hidden(random bool) []mlp.Layer {
	if !random {
		return n.Layers
	}
	out := make([]mlp.Layer, len(n.Layers))
	for i, l := range n.Layers {
		out[i] = mlp.Layer{Units: l.Units, Activation: mlp.Sigmoid, Seed: n.Seeds[i]}
	}
	return out
}

// FineTune returns the fine-tuning stage started at n (or, with random, at the original's
// Glorot draws), with its seeds and kernel names; the caller sets the rest.
func (n *InitNet) FineTune(random bool) FineTune {
	return FineTune{Hidden: n.Hidden(random), OutSeed: n.OutSeed, Weights: n.Weights}
}
