package pipeline

import (
	"context"
	"os"
	"path/filepath"

	"github.com/boltzmann-go/boltzmann/rbm"
	"github.com/boltzmann-go/boltzmann/summaries"
)

// Pretrain is one RBM of greedy pretraining: loaded from its model folder when trained there,
// resumed after its last complete epoch when interrupted, or trained and saved there, with
// TensorBoard logs beside the folder (<Dir>/../logs).
type Pretrain struct {
	// Dir is the RBM's model folder.
	Dir string
	// Config is the configuration of a new RBM; a saved one keeps its own, trained to
	// Config.Epochs.
	Config rbm.Config
	// What names the RBM in log and epoch lines, e.g. "RBM 1 (784→512)".
	What string
	// Shared, if set, counts this RBM's epochs as steps of a progress shared by RBMs trained
	// concurrently, instead of a progress of its own.
	Shared Progress
	// Record, if set, are the data the RBM's rows come from: a new RBM records their settings
	// beside its folder, and one that resumes training must have been trained on the same
	// (a *ResumeError otherwise). A trained RBM is reused whatever the data.
	Record *Data
}

// Run returns the RBM, trained on x (validated on val, which may be nil). The caller closes it.
func (s *Pretrain) Run(ctx context.Context, x, val rbm.Data, h Hooks) (*rbm.RBM, error) {
	if _, err := os.Stat(filepath.Join(s.Dir, "model.json")); err == nil {
		r, err := LoadRBMFor(s.Dir, s.Config)
		if err != nil {
			return nil, err
		}
		if r.Epoch() >= s.Config.Epochs {
			h.logf("%s: using the trained model in %s", s.What, s.Dir)
			return r, nil
		}
		if err := checkDataRecord(s.Dir, s.Record, r.Epoch()); err != nil {
			r.Close()
			return nil, err
		}
		h.logf("%s: resuming %s after epoch %d", s.What, s.Dir, r.Epoch())
		if err := r.SetEpochs(s.Config.Epochs); err != nil {
			r.Close()
			return nil, err
		}
		return r, s.fit(ctx, r, x, val, h)
	}
	r, err := rbm.New(s.Config)
	if err != nil {
		return nil, err
	}
	if err := writeDataRecord(s.Dir, s.Record); err != nil {
		r.Close()
		return nil, err
	}
	if err := s.fit(ctx, r, x, val, h); err != nil {
		r.Close()
		return nil, err
	}
	return r, nil
}

func (s *Pretrain) fit(ctx context.Context, r *rbm.RBM, x, val rbm.Data, h Hooks) error {
	c := r.Config()
	h.saving(s.Dir)
	rows, _ := x.Shape()
	bar := s.Shared
	if bar == nil {
		bar = h.startEpochs(r.Epoch(), c.Epochs, (rows+c.BatchSize-1)/c.BatchSize)
		defer bar.Finish()
	}
	// TensorBoard logs beside the RBM's model folder (<rbm dir>/logs), as TrainRBM writes them.
	sums, err := summaries.NewRBM(filepath.Join(filepath.Dir(filepath.Clean(s.Dir)), "logs"), summaries.RBMOptions{Hidden: ProbeRows(x, val)})
	if err != nil {
		return err
	}
	defer sums.Close()
	opts := &rbm.FitOptions{Dir: s.Dir, OnBatch: bar.Batch, OnMetrics: sums.Iteration, OnEpoch: func(st rbm.EpochStats) error {
		bar.Epoch(s.What+" "+EpochLine(st, c.Metrics), RBMDesc(st))
		return sums.Epoch(r, st)
	}}
	if s.Shared != nil {
		opts.OnBatch = nil
		opts.OnEpoch = func(st rbm.EpochStats) error {
			s.Shared.Step(s.What + " " + EpochLine(st, c.Metrics))
			return sums.Epoch(r, st)
		}
	}
	_, err = r.Fit(ctx, x, val, opts)
	return err
}

// IncreasingK returns the per-epoch k and learning-rate schedules of the original's upper
// pretraining RBMs: k grows by one every `every` epochs from k0, and the rate is lr divided by
// the block number 1, 2, 3, … (dbm_mnist.py's make_rbm2 and dbm_cifar.py's make_mrbm:
// n_gibbs_steps = arange(k0, k0 + epochs//every) and learning_rate = lr / arange(1, 1 +
// epochs//every), each value repeated `every` times; epochs past the last full block keep its
// values, as the original's schedules hold their last entry).
func IncreasingK(k0 int, lr float64, epochs, every int) ([]int, []float64) {
	ks, lrs := make([]int, epochs), make([]float64, epochs)
	for e := range ks {
		block := min(e/every, max(0, epochs/every-1))
		ks[e], lrs[e] = k0+block, lr/float64(1+block)
	}
	return ks, lrs
}
