package pipeline

import (
	"fmt"

	"github.com/boltzmann-go/boltzmann/dbm"
	"github.com/boltzmann-go/boltzmann/optim"
	"github.com/boltzmann-go/boltzmann/rbm"
	"github.com/boltzmann-go/boltzmann/train"
)

// Original holds the points of the original's code path where ours departs from it
// (docs/DEVIATIONS.md). The zero value is ours at every point; AsOriginal sets every one.
type Original struct {
	// SparsityRule is optim.Original for the original's sparsity penalty ("": ours).
	SparsityRule string
	// MeanFieldStart is dbm.MeanFieldPrevious for the DBM's mean field started from the
	// previous minibatch's μ ("": bottom-up, ours).
	MeanFieldStart string
	// SideEffects keeps the original's side effects on the DBM's chains.
	SideEffects bool
	// FixedOrder visits the training rows in the same order every epoch.
	FixedOrder bool
	// BiasDoubling doubles the biases with the input in DBM pretraining.
	BiasDoubling bool
	// ChainFeatures makes RBM features the hidden means at the end of the Gibbs chain.
	ChainFeatures bool
	// ShiftedSchedules indexes schedules as the original does: epoch e takes element e.
	ShiftedSchedules bool
}

// AsOriginal returns the original's code path at every point.
func AsOriginal() Original {
	return Original{SparsityRule: optim.Original, MeanFieldStart: dbm.MeanFieldPrevious, SideEffects: true, FixedOrder: true,
		BiasDoubling: true, ChainFeatures: true, ShiftedSchedules: true}
}

// Schedule returns a per-epoch schedule written as the original indexes it, in the indexing
// the run uses.
func Schedule[T any](o Original, s []T) []T {
	if o.ShiftedSchedules {
		return train.Shifted(s)
	}
	return s
}

// RBM applies o to a pretraining or stand-alone RBM's configuration.
func (o Original) RBM(c *rbm.Config) {
	if o.SparsityRule == optim.Original {
		c.SparsityRule = optim.Original
	}
	c.BiasDoubling = o.BiasDoubling && (c.DBMFirst || c.DBMLast)
	c.ChainFeatures, c.FixedOrder = o.ChainFeatures, o.FixedOrder
}

// DBM applies o to a DBM's configuration.
func (o Original) DBM(c *dbm.Config) {
	if o.SparsityRule == optim.Original {
		c.SparsityRule = optim.Original
	}
	if o.MeanFieldStart == dbm.MeanFieldPrevious || o.MeanFieldStart == dbm.MeanFieldRow {
		c.MeanFieldStart = o.MeanFieldStart
	}
	c.SideEffects, c.FixedOrder = o.SideEffects, o.FixedOrder
	if o.SideEffects {
		c.Metrics.ValEvery = 2 // dbm_mnist.py's val_metrics_every_epoch
	}
}

// Describe lists the points set, for log lines ("" for none).
func (o Original) Describe() string {
	s := ""
	add := func(on bool, name string) {
		if on {
			s += fmt.Sprintf(" %s", name)
		}
	}
	add(o.SparsityRule == optim.Original, "sparsity")
	add(o.MeanFieldStart == dbm.MeanFieldPrevious, "mf-start")
	add(o.SideEffects, "side-effects")
	add(o.FixedOrder, "fixed-order")
	add(o.BiasDoubling, "bias-doubling")
	add(o.ChainFeatures, "chain-features")
	add(o.ShiftedSchedules, "schedule-index")
	return s
}
