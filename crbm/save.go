package crbm

import (
	"encoding/json"
	"fmt"

	"github.com/boltzmann-go/boltzmann/internal/modeldir"
	"github.com/boltzmann-go/boltzmann/internal/nest"
	"github.com/boltzmann-go/boltzmann/tfops"
)

// A model directory holds model.json (the configuration, the dtype, the epoch and update
// counts and the name of the current checkpoint) and a TensorFlow checkpoint (SaveV2) of the
// parameters, the velocities and the update counter that drives the random streams; see
// internal/modeldir for how a save stays whole when killed.

// fileFormat is the version of model.json.
const fileFormat = 1

// Kind is the kind of model a classification RBM's model.json names.
const Kind = "crbm"

type modelJSON struct {
	Format     int    `json:"format"`
	Kind       string `json:"kind"`
	Config     Config `json:"config"`
	DType      string `json:"dtype"`
	Epoch      int    `json:"epoch"`
	Updates    int64  `json:"updates"`
	Checkpoint string `json:"checkpoint"`
}

// ErrNoModel reports a directory without a saved model.
var ErrNoModel = modeldir.ErrNoModel

// Save writes the model into dir (created if needed).
func (m *CRBM) Save(dir string) error {
	err := modeldir.Save(dir, m.sess, m.saver, m.iter, func(name string) ([]byte, error) {
		b, err := json.MarshalIndent(modelJSON{Format: fileFormat, Kind: Kind, Config: m.cfg, DType: tfops.DTypeName(m.cfg.DType),
			Epoch: m.epoch, Updates: m.iter, Checkpoint: name}, "", "  ")
		return append(b, '\n'), err
	})
	if err != nil {
		return nest.Within("crbm: save", err)
	}
	return nil
}

// Load opens the model saved in dir, with threads as Config.Threads (0: one per core).
// Training continues where it stopped: call SetEpochs to train further.
func Load(dir string, threads int) (*CRBM, error) {
	if threads < 0 {
		return nil, cfgErr("Threads", "%d, want ≥ 0 (0: one per core)", threads)
	}
	var mj modelJSON
	if _, err := modeldir.ReadJSON(dir, Kind, fileFormat, &mj); err != nil {
		return nil, nest.Within("crbm: load", err)
	}
	c := mj.Config
	var err error
	if c.DType, err = tfops.ParseDType(mj.DType); err != nil {
		return nil, modeldir.Inconsistent(nest.Within("crbm: load "+dir, err))
	}
	c.Threads = threads
	if mj.Epoch > c.Epochs {
		return nil, modeldir.Inconsistent(fmt.Errorf("crbm: load %s: %s: epoch %d, but config.Epochs %d (model.json edited?)", dir, modeldir.File, mj.Epoch, c.Epochs))
	}
	m, err := open(c)
	if err != nil {
		return nil, modeldir.Inconsistent(nest.Within(fmt.Sprintf("crbm: load %s: %s describes no valid model (edited?)", dir, modeldir.File), err))
	}
	if err := modeldir.Restore(dir, mj.Checkpoint, m.sess, m.saver); err != nil {
		m.Close()
		return nil, nest.Within("crbm: load "+dir, err)
	}
	if err := m.setData(nil, nil, nil); err != nil {
		m.Close()
		return nil, err
	}
	m.epoch, m.iter = mj.Epoch, mj.Updates
	return m, nil
}

// SetEpochs sets the last epoch that Fit trains to (to continue a finished or loaded run).
func (m *CRBM) SetEpochs(n int) error {
	if n < 1 {
		return cfgErr("Epochs", "%d, want ≥ 1", n)
	}
	m.cfg.Epochs = n
	return nil
}
