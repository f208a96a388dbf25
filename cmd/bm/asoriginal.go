package main

import (
	"flag"

	"github.com/boltzmann-go/boltzmann/dbm"
	"github.com/boltzmann-go/boltzmann/internal/pyargs"
	"github.com/boltzmann-go/boltzmann/optim"
	"github.com/boltzmann-go/boltzmann/pipeline"
)

// originalPath holds the switches of the original's code path where ours departs from it
// (docs/DEVIATIONS.md): --as-original sets every one, each flag toggles one point alone. The
// momentum rule is --momentum-rule's.
type originalPath struct {
	all          bool   // --as-original
	sparsityRule string // --sparsity-rule: hinton or original
	mfStart      string // --mf-start: bottom-up or previous
	sideEffects  bool   // --side-effects
	fixedOrder   bool   // --fixed-order
	biasDoubling bool   // --bias-doubling
	features     string // --rbm-features: data or chain
	index        string // --schedule-index: ours or original
}

const (
	asOriginalHelp   = "ours: follow the original's code path in every point below and its --momentum-rule (docs/DEVIATIONS.md), bugs included"
	sparsityRuleHelp = "sparsity penalty: hinton (per-unit batch mean, ours) or original (as coded: a damped batch sum; the DBM's indexed by the layer number)"
	mfStartHelp      = "DBM mean field starts bottom-up (ours), from the previous minibatch's μ (previous, the original's) or from each row's own μ of its last visit (row: a warm start, fewer sweeps at a loose --mf-tol; not kept across a resume)"
	sideEffectsHelp  = "the original's side effects on the DBM's chains: validation advances the particles and μ; particles replaced by a mean sweep every 400 updates; validation every 2 epochs"
	fixedOrderHelp   = "visit the training rows in the same order every epoch (the original) instead of a new permutation per epoch"
	biasDoublingHelp = "DBM pretraining doubles the biases with the input, σ(2(vW + hb)) (the original) instead of σ(2vW + hb)"
	featuresHelp     = "features of the pretraining RBMs: data (p(h|x), ours) or chain (hidden means at the end of the k-step Gibbs chain, the original's transform)"
	indexHelp        = "schedules: ours (epoch e takes element e−1) or original (epoch e takes element e; element 0 is never used)"
)

// registerPy adds the switches to an original program's parser (--name spellings).
func (o *originalPath) registerPy(p *pyargs.Parser) {
	p.StoreTrue("--as-original", &o.all, asOriginalHelp)
	p.String("--sparsity-rule", &o.sparsityRule, optim.Hinton, "ours: "+sparsityRuleHelp).Metavar("R").Choices(optim.Hinton, optim.Original)
	p.String("--mf-start", &o.mfStart, dbm.MeanFieldBottomUp, "ours: "+mfStartHelp).Metavar("S").Choices(dbm.MeanFieldBottomUp, dbm.MeanFieldPrevious, dbm.MeanFieldRow)
	p.StoreTrue("--side-effects", &o.sideEffects, "ours: "+sideEffectsHelp)
	p.StoreTrue("--fixed-order", &o.fixedOrder, "ours: "+fixedOrderHelp)
	p.StoreTrue("--bias-doubling", &o.biasDoubling, "ours: "+biasDoublingHelp)
	p.String("--rbm-features", &o.features, "data", "ours: "+featuresHelp).Metavar("F").Choices("data", "chain")
	p.String("--schedule-index", &o.index, "ours", "ours: "+indexHelp).Metavar("I").Choices("ours", "original")
}

// registerRBMPy adds the switches that concern a stand-alone RBM to bm rbm-mnist's parser.
func (o *originalPath) registerRBMPy(p *pyargs.Parser) {
	p.StoreTrue("--as-original", &o.all, "ours: follow the original's code path: its --momentum-rule, --sparsity-rule, --fixed-order, --rbm-features and --schedule-index (docs/DEVIATIONS.md)")
	p.String("--sparsity-rule", &o.sparsityRule, optim.Hinton, "ours: "+sparsityRuleHelp).Metavar("R").Choices(optim.Hinton, optim.Original)
	p.StoreTrue("--fixed-order", &o.fixedOrder, "ours: "+fixedOrderHelp)
	p.String("--rbm-features", &o.features, "data", "ours: features (bm transform, the classifiers): data (p(h|x)) or chain (the hidden means at the end of the Gibbs chain, the original's transform)").Metavar("F").Choices("data", "chain")
	p.String("--schedule-index", &o.index, "ours", "ours: "+indexHelp).Metavar("I").Choices("ours", "original")
	o.mfStart = dbm.MeanFieldBottomUp
}

// register adds the switches to a flag set of ours (-name spellings).
func (o *originalPath) register(fs *flag.FlagSet) {
	fs.BoolVar(&o.all, "as-original", false, asOriginalHelp)
	fs.StringVar(&o.sparsityRule, "sparsity-rule", optim.Hinton, sparsityRuleHelp)
	fs.StringVar(&o.mfStart, "mf-start", dbm.MeanFieldBottomUp, mfStartHelp)
	fs.BoolVar(&o.sideEffects, "side-effects", false, sideEffectsHelp)
	fs.BoolVar(&o.fixedOrder, "fixed-order", false, fixedOrderHelp)
	fs.BoolVar(&o.biasDoubling, "bias-doubling", false, biasDoublingHelp)
	fs.StringVar(&o.features, "rbm-features", "data", featuresHelp)
	fs.StringVar(&o.index, "schedule-index", "ours", indexHelp)
}

// resolve sets every point with --as-original and checks the values (flag names as bm dbm's).
func (o *originalPath) resolve() error {
	if o.all {
		o.sparsityRule, o.mfStart, o.sideEffects, o.fixedOrder = optim.Original, dbm.MeanFieldPrevious, true, true
		o.biasDoubling, o.features, o.index = true, "chain", "original"
	}
	switch {
	case optim.CheckSparsityRule(o.sparsityRule) != nil:
		return flagErr("sparsity-rule", "%q, want %s or %s", o.sparsityRule, optim.Hinton, optim.Original)
	case o.mfStart != dbm.MeanFieldBottomUp && o.mfStart != dbm.MeanFieldPrevious && o.mfStart != dbm.MeanFieldRow:
		return flagErr("mf-start", "%q, want %s, %s or %s", o.mfStart, dbm.MeanFieldBottomUp, dbm.MeanFieldPrevious, dbm.MeanFieldRow)
	case o.features != "data" && o.features != "chain":
		return flagErr("rbm-features", "%q, want data or chain", o.features)
	case o.index != "ours" && o.index != "original":
		return flagErr("schedule-index", "%q, want ours or original", o.index)
	}
	return nil
}

// settings returns the switches as pipeline settings (resolved by resolve).
func (o originalPath) settings() pipeline.Original {
	return pipeline.Original{SparsityRule: o.sparsityRule, MeanFieldStart: o.mfStart, SideEffects: o.sideEffects, FixedOrder: o.fixedOrder,
		BiasDoubling: o.biasDoubling, ChainFeatures: o.features == "chain", ShiftedSchedules: o.index == "original"}
}
