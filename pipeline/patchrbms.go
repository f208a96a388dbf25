package pipeline

import (
	"cmp"
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"sync"

	tf "github.com/galeone/tensorflow/tensorflow/go"

	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/optim"
	"github.com/boltzmann-go/boltzmann/patches"
	"github.com/boltzmann-go/boltzmann/rbm"
	"github.com/boltzmann-go/boltzmann/train"
)

// PatchRBMs are the 26 small Gaussian RBMs of dbm_cifar.py (spec §6.4 step 3): each learns
// 8×8×3 patches of the standardized training images (ids 0–24) or the coarse whole image (id
// 25), with its own seed, in <Prefix><id>/model. The zero value of every field is dbm_cifar.py's
// default (bm dbm-cifar's --small-…); a negative L2, SparsityCost or Seed means 0.
type PatchRBMs struct {
	// LR is the learning rate schedule. Nil means [1e-3].
	LR []float64
	// Epochs, BatchSize and Hidden are each RBM's. Zero means 100, 48 and 300.
	Epochs, BatchSize, Hidden int
	// L2, SparsityTarget and SparsityCost are each RBM's. Zero means 1e-3, 0.1 and 1e-3.
	L2, SparsityTarget, SparsityCost float64
	// Seed seeds the RBMs of ids 16–24 (the others use 9000 + id, hard-coded as in the
	// original). Zero means 9000.
	Seed int64
	// Prefix is the path prefix of the model folders. Empty means "models/rbm_cifar_small_".
	Prefix string
	// Jobs is how many RBMs train at once. Zero means one per core.
	Jobs int
	// Threads are each RBM's TensorFlow threads. Zero means the cores shared among the Jobs.
	Threads int
	// BlockAverage trains RBM 25 on 4×4 block averages, as the weight assembly assumes,
	// instead of the original's tile averages.
	BlockAverage bool
	// DType is the float type. Zero means tf.Float.
	DType tf.DataType
	// GPU is where the RBMs run ("": the CPU) and MomentumRule their momentum rule ("":
	// optim.Classical).
	GPU, MomentumRule string
}

// withDefaults returns s with every zero field replaced by its default.
func (s PatchRBMs) withDefaults() PatchRBMs {
	s.LR = orSlice(s.LR, []float64{1e-3})
	s.Epochs, s.BatchSize, s.Hidden = cmp.Or(s.Epochs, 100), cmp.Or(s.BatchSize, 48), cmp.Or(s.Hidden, 300)
	s.L2, s.SparsityTarget, s.SparsityCost = neg(s.L2, 1e-3), cmp.Or(s.SparsityTarget, 0.1), neg(s.SparsityCost, 1e-3)
	s.Seed, s.Prefix = neg(s.Seed, 9000), cmp.Or(s.Prefix, "models/rbm_cifar_small_")
	s.Jobs = cmp.Or(s.Jobs, runtime.NumCPU())
	s.Threads = cmp.Or(s.Threads, max(1, runtime.NumCPU()/s.Jobs))
	s.DType, s.MomentumRule = cmp.Or(s.DType, tf.Float), cmp.Or(s.MomentumRule, optim.Classical)
	return s
}

// config is the configuration of patch RBM id (s with defaults).
func (s PatchRBMs) config(id int) rbm.Config {
	return rbm.Config{NumVisible: patches.PatchSize, NumHidden: s.Hidden, DType: s.DType, Seed: patches.Seed(id, s.Seed),
		Visible: rbm.Gaussian{Sigma: []float64{1}}, Hidden: rbm.Bernoulli{}, WeightStd: 0.001, CDSteps: []int{1},
		LearningRate: s.LR, Momentum: train.Geom(0.5, 0.9, 8), Epochs: s.Epochs, BatchSize: s.BatchSize, L2: rbm.F(s.L2),
		SampleVisible: true, SparsityTarget: s.SparsityTarget, SparsityCost: s.SparsityCost, DBMFirst: true,
		Metrics: rbm.Metrics{MSRE: true, FEG: true, TrainEvery: 2000, ValEvery: 2, FEGEvery: 2, FEGBatches: 100},
		Threads: s.Threads, GPU: s.GPU, MomentumRule: s.MomentumRule}
}

// Dir is the model folder of patch RBM id.
func (s PatchRBMs) Dir(id int) string {
	return filepath.Join(fmt.Sprint(s.withDefaults().Prefix, id), "model")
}

// Run trains the patch RBMs that are not trained yet on the standardized images x (validated
// on val, which may be nil) — Jobs at a time — and returns all 26 as patches.Small, in
// patches.Layout order.
func (s PatchRBMs) Run(ctx context.Context, x, val *dataset.Matrix[float32], h Hooks) ([]patches.Small, error) {
	s = s.withDefaults()
	layout := patches.Layout()
	small := make([]patches.Small, len(layout))
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	bar := h.start(Run{Epochs: len(layout) * s.Epochs, PerEpoch: 1, Unit: "epoch", Desc: fmt.Sprintf("%d patch RBMs, %d at a time", len(layout), s.Jobs)})
	defer bar.Finish()
	ids := make(chan patches.Patch)
	errs := make([]error, len(layout))
	var wg sync.WaitGroup
	for range s.Jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for pt := range ids {
				if errs[pt.ID] = s.one(ctx, pt, x, val, bar, &small[pt.ID], h); errs[pt.ID] != nil {
					cancel()
				}
			}
		}()
	}
	for _, pt := range layout {
		ids <- pt
	}
	close(ids)
	wg.Wait()
	for id, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("patch RBM %d: %w", id, err)
		}
	}
	return small, nil
}

// one trains (or loads) the RBM of patch pt and stores its parameters in out.
func (s PatchRBMs) one(ctx context.Context, pt patches.Patch, x, val *dataset.Matrix[float32], bar Progress, out *patches.Small, h Hooks) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	px, err := patches.Extract(x, pt, s.BlockAverage)
	if err != nil {
		return err
	}
	var pv rbm.Data
	if val != nil && val.Rows > 0 {
		v, err := patches.Extract(val, pt, s.BlockAverage)
		if err != nil {
			return err
		}
		pv = v
	}
	where := fmt.Sprintf("rows %d–%d, cols %d–%d", pt.Row, pt.Row+patches.PatchSide-1, pt.Col, pt.Col+patches.PatchSide-1)
	if pt.Coarse {
		where = "the whole image at 8×8"
	}
	p := Pretrain{Dir: s.Dir(pt.ID), Config: s.config(pt.ID), What: fmt.Sprintf("patch RBM %d (%s)", pt.ID, where), Shared: bar}
	r, err := p.Run(ctx, px, pv, h)
	if err != nil {
		return err
	}
	defer r.Close()
	out.W, out.VB, out.HB, err = r.Weights()
	return err
}

// AssembleGRBM builds the large Gaussian RBM's initial weights from the trained patch RBMs
// (patches.Assemble, the original's make_large_weights), each with hidden units; blockAverage
// says how patch 25 was trained.
func AssembleGRBM(small []patches.Small, hidden int, blockAverage bool, h Hooks) (w, vb, hb []float64, err error) {
	w, vb, hb, err = patches.Assemble(small, hidden, 1234)
	if err != nil {
		return nil, nil, nil, err
	}
	how := "the original's tile average (spec Appendix A)"
	if blockAverage {
		how = "4×4 block averages (--small-block-average)"
	}
	h.logf("assembled the %d×%d Gaussian RBM from %d patch RBMs (patch 25 trained on %s)", patches.ImageSize, len(hb), len(small), how)
	return w, vb, hb, nil
}
