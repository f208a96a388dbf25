package rbm

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/boltzmann-go/boltzmann/internal/modeldir"
	"github.com/boltzmann-go/boltzmann/internal/nest"
	"github.com/boltzmann-go/boltzmann/tfops"
)

// A model directory holds:
//
//	model.json                        the configuration, the epoch and update counts, and the
//	                                  name of the current checkpoint
//	ckpt-<updates>-<n>.index          TensorFlow checkpoint (SaveV2) of the weights, velocities,
//	ckpt-<updates>-<n>.data-00000-of-00001   sparsity estimate, persistent chains and the update
//	                                  counter that drives the random streams
//
// Save writes a new checkpoint under a fresh name, then replaces model.json atomically (write a
// temporary file, rename), then deletes older checkpoints. A crash at any point leaves a
// model.json that names a complete checkpoint.

// fileFormat is the version of model.json.
const fileFormat = 1

type modelJSON struct {
	Format     int         `json:"format"`
	Kind       string      `json:"kind"`
	Config     Config      `json:"config"`
	Visible    UnitSpec    `json:"visible"`
	Hidden     UnitSpec    `json:"hidden"`
	Method     *MethodSpec `json:"method,omitempty"`
	DType      string      `json:"dtype"`
	Epoch      int         `json:"epoch"`
	Updates    int64       `json:"updates"`
	Checkpoint string      `json:"checkpoint"`
}

// Save writes the model into dir (created if needed); see the layout above.
func (m *RBM) Save(dir string) error {
	err := modeldir.Save(dir, m.sess, m.saver, m.iter, func(name string) ([]byte, error) {
		c := m.cfg
		c.InitW, c.InitVisibleBias, c.InitHiddenBias = nil, nil, nil // the checkpoint holds the values
		c.Visible, c.Hidden, c.DType, c.Method = nil, nil, 0, nil
		ms, err := MethodSpecOf(m.cfg.Method)
		if err != nil {
			return nil, err
		}
		b, err := json.MarshalIndent(modelJSON{
			Format: fileFormat, Kind: "rbm", Config: c, Method: &ms,
			Visible: SpecOf(m.cfg.Visible), Hidden: SpecOf(m.cfg.Hidden),
			DType: tfops.DTypeName(m.cfg.DType), Epoch: m.epoch, Updates: m.iter, Checkpoint: name,
		}, "", "  ")
		return append(b, '\n'), err
	})
	if err != nil {
		return nest.Within("rbm: save", err)
	}
	return nil
}

// ErrNoModel reports a directory without a saved model.
var ErrNoModel = modeldir.ErrNoModel

// Load opens the model saved in dir. Training continues where it stopped: call SetEpochs to
// train further.
func Load(dir string) (*RBM, error) { return load(dir, nil) }

// LoadOn is Load with the model placed on another device than the one it was saved with: gpu as
// Config.GPU ("" for the CPU, "0" for GPU 0) and threads as Config.Threads (0: one per core).
func LoadOn(dir, gpu string, threads int) (*RBM, error) {
	return load(dir, func(c *Config) { c.GPU, c.Threads = gpu, threads })
}

// LoadAt is Load into a session on target, a task of a TensorFlow cluster ("grpc://host:port",
// see Config.Target), with threads as Config.Threads and the rows of its products shared among
// devices (Config.Devices; none: all on the target). The task reads the checkpoint: the model
// folder must be at the same path on its machine.
func LoadAt(dir, target string, threads int, devices ...string) (*RBM, error) {
	return load(dir, func(c *Config) { c.Target, c.Threads, c.Devices = target, threads, devices })
}

func load(dir string, place func(*Config)) (*RBM, error) {
	var mj modelJSON
	if _, err := modeldir.ReadJSON(dir, "rbm", fileFormat, &mj); err != nil {
		return nil, nest.Within("rbm: load", err)
	}
	c := mj.Config
	var err error
	if c.Visible, err = mj.Visible.Unit(); err != nil {
		return nil, modeldir.Inconsistent(nest.Within("rbm: load "+dir, err))
	}
	if c.Hidden, err = mj.Hidden.Unit(); err != nil {
		return nil, modeldir.Inconsistent(nest.Within("rbm: load "+dir, err))
	}
	if c.DType, err = tfops.ParseDType(mj.DType); err != nil {
		return nil, modeldir.Inconsistent(nest.Within("rbm: load "+dir, err))
	}
	if mj.Method != nil { // files written before training methods were values have none
		if c.Method, err = mj.Method.Method(); err != nil {
			return nil, modeldir.Inconsistent(nest.Within("rbm: load "+dir, err))
		}
	}
	if mj.Epoch > c.Epochs {
		return nil, modeldir.Inconsistent(fmt.Errorf("rbm: load %s: %s: epoch %d, but config.Epochs %d: a model is saved after its epochs, never beyond them (model.json edited?)", dir, modeldir.File, mj.Epoch, c.Epochs))
	}
	if place != nil {
		place(&c)
	}
	m, err := open(c)
	if err != nil {
		// A configuration that the model's own fields contradict (a visible unit type edited
		// beside metrics only another type has, say) is the description's fault, not the
		// caller's placement.
		var ce *ConfigError
		if errors.As(err, &ce) && !slices.Contains([]string{"GPU", "Threads", "Target", "Devices"}, ce.Field) {
			return nil, modeldir.Inconsistent(nest.Within(fmt.Sprintf("rbm: load %s: %s describes no valid RBM (edited?): %s visible and %s hidden units", dir, modeldir.File,
				mj.Visible.Type, mj.Hidden.Type), err))
		}
		return nil, nest.Within("rbm: load "+dir, err)
	}
	if err := modeldir.Restore(dir, mj.Checkpoint, m.sess, m.saver); err != nil {
		m.Close()
		return nil, nest.Within("rbm: load "+dir, err)
	}
	m.epoch, m.iter = mj.Epoch, mj.Updates
	return m, nil
}
