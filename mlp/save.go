package mlp

import (
	"encoding/json"
	"fmt"

	"github.com/boltzmann-go/boltzmann/internal/modeldir"
	"github.com/boltzmann-go/boltzmann/internal/nest"
	"github.com/boltzmann-go/boltzmann/tfops"
)

// A model directory holds model.json (the configuration, epochs and updates done, the current
// learning rate and the name of the checkpoint) and a TensorFlow checkpoint of every layer's
// kernel ("dense_<i>/kernel") and bias ("dense_<i>/bias") and of Adam's state. It is written
// checkpoint first, then model.json atomically (see internal/modeldir), so a crash never leaves
// a model.json naming a missing checkpoint.

const fileFormat = 1

type modelJSON struct {
	Format       int     `json:"format"`
	Kind         string  `json:"kind"`
	Config       Config  `json:"config"`
	DType        string  `json:"dtype"`
	Epoch        int     `json:"epoch"`
	Updates      int64   `json:"updates"`
	LearningRate float64 `json:"learning_rate"`
	Checkpoint   string  `json:"checkpoint"`
}

// ErrNoModel reports a directory without a saved model.
var ErrNoModel = modeldir.ErrNoModel

// Save writes the model into dir (created if needed).
func (m *MLP) Save(dir string) error {
	err := modeldir.Save(dir, m.sess, m.saver, m.iter, func(name string) ([]byte, error) {
		c := m.cfg
		c.DType = 0
		b, err := json.MarshalIndent(modelJSON{Format: fileFormat, Kind: "mlp", Config: c, DType: tfops.DTypeName(m.cfg.DType),
			Epoch: m.epoch, Updates: m.iter, LearningRate: m.rate, Checkpoint: name}, "", "  ")
		return append(b, '\n'), err
	})
	if err != nil {
		return nest.Within("mlp: save", err)
	}
	return nil
}

// Load opens the model saved in dir.
func Load(dir string) (*MLP, error) {
	var mj modelJSON
	if _, err := modeldir.ReadJSON(dir, "mlp", fileFormat, &mj); err != nil {
		return nil, nest.Within("mlp: load", err)
	}
	c := mj.Config
	var err error
	if c.DType, err = tfops.ParseDType(mj.DType); err != nil {
		return nil, modeldir.Inconsistent(nest.Within("mlp: load "+dir, err))
	}
	if mj.Epoch < 0 || mj.Updates < 0 || !(mj.LearningRate > 0) || !finite(mj.LearningRate) {
		return nil, modeldir.Inconsistent(fmt.Errorf("mlp: load %s: %s has a negative epoch or update count or a bad learning rate", dir, modeldir.File))
	}
	// Refuse sizes that could not have been trained before allocating anything for them.
	const maxParams = 1 << 31
	total, in := 0, c.Inputs
	for _, l := range c.Layers {
		if in <= 0 || l.Units <= 0 || in > maxParams/max(l.Units, 1) {
			return nil, modeldir.Inconsistent(fmt.Errorf("mlp: load %s: %s describes layers of %d×%d weights", dir, modeldir.File, in, l.Units))
		}
		total += in * l.Units
		in = l.Units
	}
	if total > maxParams {
		return nil, modeldir.Inconsistent(fmt.Errorf("mlp: load %s: %s describes %d weights", dir, modeldir.File, total))
	}
	m, err := New(c)
	if err != nil {
		return nil, nest.Within("mlp: load "+dir, err)
	}
	if err := modeldir.Restore(dir, mj.Checkpoint, m.sess, m.saver); err != nil {
		m.Close()
		return nil, nest.Within("mlp: load "+dir, err)
	}
	m.epoch, m.iter, m.rate = mj.Epoch, mj.Updates, mj.LearningRate
	return m, nil
}
