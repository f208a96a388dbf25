package pipeline

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"

	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/dbm"
	"github.com/boltzmann-go/boltzmann/rbm"
	"github.com/boltzmann-go/boltzmann/summaries"
)

// TrainDBM is the DBM stage of the original's DBM programs (and of bm dbm): greedy pretraining
// of one RBM per hidden layer (Pretrain), the DBM assembled from them with its persistent chains
// started at training rows and their features, joint training (resumed when interrupted), then
// log Z by AIS, the variational lower bound on the test set and pictures (DBMResults).
type TrainDBM struct {
	// RBMs are the pretraining RBMs' configurations, bottom first, one per hidden layer.
	RBMs []rbm.Config
	// RBMDirs are their model folders.
	RBMDirs []string
	// Config is the DBM's configuration; nil Sizes and Units are the RBMs' (dbm.FromRBMs).
	// A DBM that resumes keeps its saved configuration but trains to Config.Epochs.
	Config dbm.Config
	// Dir is the DBM's model folder; TensorBoard logs go beside it (<Dir>/../logs).
	Dir string
	// Given are the Config fields set explicitly: a DBM that resumes must have the same values
	// (CheckResume).
	Given []string
	// PretrainOnTrain trains the RBMs on the training rows, measuring them on the validation
	// rows, instead of training them on both (the original's X = concat(X_train, X_val)).
	PretrainOnTrain bool
	// Results are the settings of log Z, the bound and the pictures.
	Results DBMResults
}

// Run pretrains, assembles and trains the DBM on d and computes its results (Results).
// A DBM already in Dir resumes from there: its RBMs are not needed again. Errors in a setting
// are a *FieldError (naming a DBMStack field for the DBM's configuration), a *ResumeError, or
// the *train.ConfigError of a pretraining RBM.
func (s *TrainDBM) Run(ctx context.Context, d *Data, h Hooks) (map[string]any, error) {
	if desc := s.Results.Original.Describe(); desc != "" {
		h.logf("the original's code path:%s", desc)
	}
	// Greedy pretraining on the training and validation rows together (the original's
	// X = concat(X_train, X_val)): the bottom RBM with doubled input to its hidden units, the
	// top one with doubled input to its visible units (Salakhutdinov & Hinton 2009).
	input := dataset.Convert[float64](d.Train)
	var valInput *dataset.Matrix[float64]
	if d.Val != nil && s.PretrainOnTrain {
		valInput = dataset.Convert[float64](d.Val)
	} else if d.Val != nil {
		input = &dataset.Matrix[float64]{Rows: d.Train.Rows + d.Val.Rows, Cols: input.Cols,
			Data: append(input.Data, dataset.Convert[float64](d.Val).Data...)}
	}
	if s.Config.Particles > input.Rows {
		return nil, fieldErr("Particles", "%d persistent chains, but only %d training rows to start them at", s.Config.Particles, input.Rows)
	}
	features := []*dataset.Matrix[float64]{input}
	var rbms []*rbm.RBM
	defer func() {
		for _, r := range rbms {
			r.Close()
		}
	}()
	haveDBM := exists(filepath.Join(s.Dir, "model.json"))
	for i, c := range s.RBMs {
		if haveDBM {
			break
		}
		p := Pretrain{Dir: s.RBMDirs[i], Config: c, What: fmt.Sprintf("RBM %d (%d→%d)", i+1, c.NumVisible, c.NumHidden), Record: d}
		r, err := p.Run(ctx, input, DataOf(valInput), h)
		if err != nil {
			return nil, err
		}
		rbms = append(rbms, r)
		if i == 0 {
			if err := SaveStandardizer(p.Dir, d.Std); err != nil {
				return nil, err
			}
		}
		if input, err = r.Transform(input); err != nil {
			return nil, err
		}
		if valInput != nil {
			if valInput, err = r.Transform(valInput); err != nil {
				return nil, err
			}
		}
		features = append(features, input)
	}

	// Joint training.
	m, err := ResumeDBM(s.Dir, s.Config.Epochs, s.Config.Target, s.Config.Threads, h)
	if err != nil {
		return nil, err
	}
	if m != nil {
		if err := CheckResume(s.Config, m.Config(), s.Given, m.Epoch(), s.Config.Epochs); err != nil {
			m.Close()
			return nil, err
		}
		if err := checkDataRecord(s.Dir, d, m.Epoch()); err != nil {
			m.Close()
			return nil, err
		}
	} else {
		if m, err = dbm.FromRBMs(s.Config, rbms...); err != nil {
			return nil, DBMConfigError(err)
		}
		if err := writeDataRecord(s.Dir, d); err != nil {
			m.Close()
			return nil, err
		}
		// Start the persistent chains at training images and their features (the original).
		var parts []rbm.Data
		for _, x := range features {
			parts = append(parts, x.SliceRows(0, min(s.Config.Particles, x.Rows)))
		}
		if err := m.SetParticles(parts...); err != nil {
			m.Close()
			return nil, err
		}
	}
	defer m.Close()
	if err := SaveStandardizer(s.Dir, d.Std); err != nil {
		return nil, err
	}
	fit := FitDBM{Dir: s.Dir, Epochs: s.Config.Epochs, BatchSize: s.Config.BatchSize, Shape: d.Shape}
	if err := fit.Run(ctx, m, d.Train, DataOf(d.Val), h); err != nil {
		return nil, err
	}
	return s.Results.Run(ctx, m, s.Dir, d, h)
}

// ResumeDBM loads the DBM saved in dir to train it to epochs, or returns nil when there is
// none. A non-empty target loads it into a session on that cluster task.
func ResumeDBM(dir string, epochs int, target string, threads int, h Hooks) (*dbm.DBM, error) {
	if !exists(filepath.Join(dir, "model.json")) {
		return nil, nil
	}
	load := dbm.Load
	if target != "" {
		load = func(dir string) (*dbm.DBM, error) { return dbm.LoadAt(dir, target, threads) }
	}
	m, err := load(dir)
	if err != nil {
		return nil, err
	}
	if err := m.SetEpochs(epochs); err != nil {
		m.Close()
		return nil, fieldErr("Epochs", "%v", err)
	}
	h.logf("resuming the DBM in %s after epoch %d", dir, m.Epoch())
	return m, nil
}

// FitDBM is the joint training of a DBM to Epochs, with TensorBoard logs beside its model
// folder (pictures of rows of the image shape Shape, if not nil).
type FitDBM struct {
	// Dir is the DBM's model folder, where it is saved after every epoch.
	Dir string
	// Epochs is the epoch to train to, and BatchSize the DBM's minibatch size.
	Epochs, BatchSize int
	// Shape is the image shape [h, w, c] of a row, or nil.
	Shape []int
}

// Run trains m on x, validating on val (which may be nil).
func (s *FitDBM) Run(ctx context.Context, m *dbm.DBM, x, val rbm.Data, h Hooks) error {
	if m.Epoch() < s.Epochs {
		h.saving(s.Dir)
	}
	sums, err := summaries.NewDBM(filepath.Join(filepath.Dir(filepath.Clean(s.Dir)), "logs"), s.Shape)
	if err != nil {
		return err
	}
	sums.SetProbe(ProbeRows(x, val))
	defer sums.Close()
	rows, _ := x.Shape()
	bar := h.startEpochs(m.Epoch(), s.Epochs, (rows+s.BatchSize-1)/s.BatchSize)
	_, fitErr := m.Fit(ctx, x, val, &dbm.FitOptions{Dir: s.Dir, OnBatch: bar.Batch, OnMetrics: sums.Iteration, OnEpoch: func(st dbm.EpochStats) error {
		if err := sums.Epoch(m, st); err != nil {
			return err
		}
		line := fmt.Sprintf("DBM epoch %d/%d; mf sweeps %.1f", st.Epoch, st.Epochs, st.Train["mf_sweeps"])
		if v, ok := st.Train["msre"]; ok {
			line += fmt.Sprintf("; msre %.5f", v)
		}
		if v, ok := st.Val["msre"]; ok {
			line += fmt.Sprintf("; val.msre %.5f; val.mf sweeps %.1f", v, st.Val["mf_sweeps"])
		}
		bar.Epoch(line+fmt.Sprintf(" (%.1fs)", st.Elapsed.Seconds()), fmt.Sprintf("DBM epoch %d/%d", min(st.Epoch+1, st.Epochs), st.Epochs))
		return nil
	}})
	bar.Finish()
	if fitErr != nil {
		if errors.Is(fitErr, context.Canceled) {
			return fmt.Errorf("interrupted: the DBM saved after the last complete epoch is in %s; run the same command to resume: %w", s.Dir, fitErr)
		}
		return fitErr
	}
	return nil
}
