package pipeline

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/boltzmann-go/boltzmann/rbm"
	"github.com/boltzmann-go/boltzmann/summaries"
	"github.com/boltzmann-go/boltzmann/tfops"
)

// TrainRBM is the stage of bm train (and of the original's rbm_mnist.py): an RBM trained into a
// run folder — model/, TensorBoard logs/, history.json, learning curves, filters and samples —
// or resumed there after its last complete epoch, keeping its saved configuration.
type TrainRBM struct {
	// Config is the RBM's configuration. A model that resumes keeps its saved configuration,
	// but trains to Config.Epochs.
	Config rbm.Config
	// Out is the run folder. Empty means "runs/rbm_mnist".
	Out string
	// Fresh starts a new model even if Out holds one (otherwise training resumes).
	Fresh bool
	// Given are the Config fields set explicitly: a model that resumes must have the same
	// values (CheckResume), schedules compared up to Config.Epochs.
	Given []string
	// StartOver says in messages how to start a new model instead of resuming. Empty means
	// "set Fresh to start over".
	StartOver string
	// Resident copies the training set into the graph once instead of feeding each run's
	// minibatches (the same weights; more memory).
	Resident bool
	// Samples is the number of Gibbs chains drawn for samples.png. Zero means 100; negative
	// means none.
	Samples int
	// SampleSteps is the number of Gibbs steps per chain of samples.png. Zero means 1000.
	SampleSteps int
	// SampleFromNoise starts the chains of samples.png at noise instead of validation rows.
	SampleFromNoise bool
	// Cluster names the cluster of Config.Target in log lines.
	Cluster string
	// Filters is the number of filters drawn in filters.png. Zero means 100; negative means
	// none.
	Filters int
}

// samples is the number of chains of samples.png.
func (s *TrainRBM) samples() int { return max(0, cmp.Or(s.Samples, 100)) }

// filters is the number of filters of filters.png.
func (s *TrainRBM) filters() int { return max(0, cmp.Or(s.Filters, 100)) }

// ModelDir is the run's model folder, <Out>/model.
func (s *TrainRBM) ModelDir() string { return filepath.Join(cmp.Or(s.Out, "runs/rbm_mnist"), "model") }

// Run trains (or resumes) the RBM on d and draws its pictures. An interrupted run (ctx
// cancelled) keeps the model saved after its last complete epoch and still draws them.
// A model that cannot resume with these settings is a *ResumeError.
func (s *TrainRBM) Run(ctx context.Context, d *Data, h Hooks) error {
	s.Out = cmp.Or(s.Out, "runs/rbm_mnist")
	startOver := cmp.Or(s.StartOver, "set Fresh to start over")
	c := s.Config
	epochs := c.Epochs
	if err := os.MkdirAll(s.Out, 0o755); err != nil {
		return err
	}
	modelDir := s.ModelDir()
	h.saving(modelDir)
	if c.Target != "" {
		h.logf("training on the cluster %s: the model on its task 0, every update's rows shared among %d task(s)", s.Cluster, max(len(c.Devices), 1))
	}
	var m *rbm.RBM
	if _, err := os.Stat(filepath.Join(modelDir, "model.json")); err == nil && !s.Fresh {
		if m, err = LoadRBMFor(modelDir, c); err != nil {
			return fmt.Errorf("resume from %s: %w (%s)", modelDir, err, startOver)
		}
		if err := CheckResume(c, m.Config(), s.Given, m.Epoch(), epochs); err != nil {
			m.Close()
			return err
		}
		if err := checkDataRecord(modelDir, d, m.Epoch()); err != nil {
			m.Close()
			return err
		}
		if err := m.SetEpochs(epochs); err != nil {
			m.Close()
			return fieldErr("Epochs", "%v", err)
		}
		c = m.Config()
		h.logf("resuming %s after epoch %d with its saved configuration (%s)", modelDir, m.Epoch(), startOver)
	} else {
		if m, err = rbm.New(c); err != nil {
			return err
		}
		if err := writeDataRecord(modelDir, d); err != nil {
			m.Close()
			return err
		}
	}
	defer m.Close()
	if devs, err := m.Devices(); err == nil {
		h.logf("TensorFlow devices: %s", strings.Join(devs, ", "))
	}
	if d.Std != nil {
		if err := d.Std.Save(filepath.Join(s.Out, StandardizerFile)); err != nil {
			return err
		}
	}
	nTrain, _ := d.TrainShape()
	h.logf("%s RBM %d×%d (%s) on %d training rows (%d validation), %d epochs of batches of %d",
		c.Visible.Name()+"-"+c.Hidden.Name(), c.NumVisible, c.NumHidden, tfops.DTypeName(c.DType), nTrain, rowsOf(d.Val), c.Epochs, c.BatchSize)

	sumOpts := summaries.RBMOptions{ImageShape: d.Shape, Hidden: ProbeRows(d.TrainSet(), DataOf(d.Val))}
	if d.Val != nil && d.Shape != nil {
		sumOpts.Reconstruct = d.Val.SliceRows(0, min(8, d.Val.Rows))
	}
	sums, err := summaries.NewRBM(filepath.Join(s.Out, "logs"), sumOpts)
	if err != nil {
		return err
	}
	defer sums.Close()
	hist, err := LoadHistory(s.Out, m.Epoch())
	if err != nil {
		return err
	}
	bar := h.startEpochs(m.Epoch(), epochs, (nTrain+s.Config.BatchSize-1)/s.Config.BatchSize)
	// By default the minibatches are fed run by run (tfops.Stream), from MNIST's or CIFAR-10's
	// 8-bit pixels where the data are images: the same weights as a copy of the set in the
	// graph, without holding the set twice or as float32 (docs/PERFORMANCE.md).
	trainData := tfops.Stream(d.TrainSet())
	if s.Resident {
		trainData = d.Train
	}
	_, fitErr := m.Fit(ctx, trainData, DataOf(d.Val), &rbm.FitOptions{OnMetrics: sums.Iteration,
		Dir:     modelDir,
		OnBatch: bar.Batch,
		// The history is written before the model that it describes is committed: a run killed
		// between the two loses no metrics (LoadHistory keeps the epochs the model has).
		BeforeSave: func(st rbm.EpochStats) error {
			hist = append(hist, Record(st))
			return SaveHistory(s.Out, hist)
		},
		OnEpoch: func(st rbm.EpochStats) error {
			if err := sums.Epoch(m, st); err != nil {
				return err
			}
			bar.Epoch(EpochLine(st, c.Metrics), RBMDesc(st))
			return nil
		},
	})
	bar.Finish()
	if fitErr != nil && !errors.Is(fitErr, context.Canceled) {
		return fitErr
	}
	if errors.Is(fitErr, context.Canceled) {
		h.logf("interrupted: the model saved after the last complete epoch is in %s", modelDir)
	}
	return s.drawAll(ctx, m, d, hist, h)
}

// LoadRBMFor loads the RBM saved in dir where configuration c would place a new one: into a
// session on its cluster target with its devices, or in this process.
func LoadRBMFor(dir string, c rbm.Config) (*rbm.RBM, error) {
	if c.Target != "" {
		return rbm.LoadAt(dir, c.Target, c.Threads, c.Devices...)
	}
	return rbm.Load(dir)
}
