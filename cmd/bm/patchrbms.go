package main

import (
	"context"
	"fmt"
	"log"
	"path/filepath"
	"runtime"
	"sync"

	tf "github.com/galeone/tensorflow/tensorflow/go"

	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/patches"
	"github.com/boltzmann-go/boltzmann/rbm"
	"github.com/boltzmann-go/boltzmann/train"
)

// patchRBMs are the 26 small Gaussian RBMs of dbm_cifar.py (spec §6.4 step 3): each learns
// 8×8×3 patches of the standardized training images (ids 0–24) or the coarse whole image (id
// 25), with its own seed, in <prefix><id>/model.
type patchRBMs struct {
	lr                    []float64
	epochs, batch, hidden int
	l2, spTarget, spCost  float64
	seed                  int64 // --small-random-seed (ids 16–24)
	prefix                string
	jobs, threads         int
	blockAverage          bool
	dtype                 tf.DataType
	gpu, momentumRule     string
	quiet                 bool
}

// config is the configuration of patch RBM id.
func (p *patchRBMs) config(id int) rbm.Config {
	return rbm.Config{NumVisible: patches.PatchSize, NumHidden: p.hidden, DType: p.dtype, Seed: patches.Seed(id, p.seed),
		Visible: rbm.Gaussian{Sigma: []float64{1}}, Hidden: rbm.Bernoulli{}, WeightStd: 0.001, CDSteps: []int{1},
		LearningRate: p.lr, Momentum: train.Geom(0.5, 0.9, 8), Epochs: p.epochs, BatchSize: p.batch, L2: rbm.F(p.l2),
		SampleVisible: true, SparsityTarget: p.spTarget, SparsityCost: p.spCost, DBMFirst: true,
		Metrics: rbm.Metrics{MSRE: true, FEG: true, TrainEvery: 2000, ValEvery: 2, FEGEvery: 2, FEGBatches: 100},
		Threads: p.threads, GPU: p.gpu, MomentumRule: p.momentumRule}
}

// dir is the model folder of patch RBM id.
func (p *patchRBMs) dir(id int) string { return filepath.Join(fmt.Sprint(p.prefix, id), "model") }

// train trains the patch RBMs that are not trained yet — p.jobs at a time, each with
// p.threads TensorFlow threads — and returns all 26 as patches.Small, in Layout order.
func (p *patchRBMs) train(ctx context.Context, x, val *dataset.Matrix[float32]) ([]patches.Small, error) {
	layout := patches.Layout()
	small := make([]patches.Small, len(layout))
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	bar := newUnitProgress(p.quiet, 0, len(layout)*p.epochs, 1, "epoch", fmt.Sprintf("%d patch RBMs, %d at a time", len(layout), p.jobs))
	defer bar.Finish()
	ids := make(chan patches.Patch)
	errs := make([]error, len(layout))
	var wg sync.WaitGroup
	for range p.jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for pt := range ids {
				if errs[pt.ID] = p.one(ctx, pt, x, val, bar, &small[pt.ID]); errs[pt.ID] != nil {
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
func (p *patchRBMs) one(ctx context.Context, pt patches.Patch, x, val *dataset.Matrix[float32], bar *progress, out *patches.Small) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	px, err := patches.Extract(x, pt, p.blockAverage)
	if err != nil {
		return err
	}
	var pv rbm.Data
	if val != nil && val.Rows > 0 {
		v, err := patches.Extract(val, pt, p.blockAverage)
		if err != nil {
			return err
		}
		pv = v
	}
	where := fmt.Sprintf("rows %d–%d, cols %d–%d", pt.Row, pt.Row+patches.PatchSide-1, pt.Col, pt.Col+patches.PatchSide-1)
	if pt.Coarse {
		where = "the whole image at 8×8"
	}
	r, err := trainOrLoadRBM(ctx, p.dir(pt.ID), p.config(pt.ID), px, pv, p.quiet, fmt.Sprintf("patch RBM %d (%s)", pt.ID, where), bar)
	if err != nil {
		return err
	}
	defer r.Close()
	out.W, out.VB, out.HB, err = r.Weights()
	return err
}

// defaultJobs is how many patch RBMs train at once by default: one per core, each on one
// thread (the small RBMs' matrices are too small to keep several threads busy).
func defaultJobs() int { return runtime.NumCPU() }

// assembleGRBM builds the large Gaussian RBM's initial weights from the trained patch RBMs
// (patches.Assemble, the original's make_large_weights) and logs what it did.
func assembleGRBM(small []patches.Small, hidden int, blockAverage bool) (w, vb, hb []float64, err error) {
	w, vb, hb, err = patches.Assemble(small, hidden, 1234)
	if err != nil {
		return nil, nil, nil, err
	}
	how := "the original's tile average (spec Appendix A)"
	if blockAverage {
		how = "4×4 block averages (--small-block-average)"
	}
	log.Printf("assembled the %d×%d Gaussian RBM from %d patch RBMs (patch 25 trained on %s)", patches.ImageSize, len(hb), len(small), how)
	return w, vb, hb, nil
}
