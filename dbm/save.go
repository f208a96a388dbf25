package dbm

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/boltzmann-go/boltzmann/internal/modeldir"
	"github.com/boltzmann-go/boltzmann/internal/nest"
	"github.com/boltzmann-go/boltzmann/rbm"
	"github.com/boltzmann-go/boltzmann/tfops"
)

// A model directory holds model.json (configuration, counters and the name of the current
// checkpoint) and the TF checkpoint ckpt-<updates>-<n>.{index,data-…} of the parameters,
// velocities, sparsity estimates, persistent particles and step counter. Save writes the
// checkpoint under a fresh name, replaces model.json atomically, then removes older
// checkpoints, so a crash never leaves model.json pointing at an incomplete checkpoint.

type modelJSON struct {
	Format     int            `json:"format"`
	Kind       string         `json:"kind"`
	Config     Config         `json:"config"`
	Units      []rbm.UnitSpec `json:"units"`
	DType      string         `json:"dtype"`
	Epoch      int            `json:"epoch"`
	Updates    int64          `json:"updates"`
	Checkpoint string         `json:"checkpoint"`
}

// ErrNoModel reports a directory without a saved model.
var ErrNoModel = modeldir.ErrNoModel

// Save writes the model into dir (created if needed).
func (m *DBM) Save(dir string) error {
	err := modeldir.Save(dir, m.sess, m.saver, m.iter, func(name string) ([]byte, error) {
		c := m.cfg
		c.Units, c.DType = nil, 0
		if math.IsInf(c.MaxNorm, 1) {
			c.MaxNorm = 0 // +Inf is not JSON; 0 means no cap
		}
		mj := modelJSON{Format: 1, Kind: "dbm", Config: c, DType: tfops.DTypeName(m.cfg.DType),
			Epoch: m.epoch, Updates: m.iter, Checkpoint: name}
		for _, u := range m.cfg.Units {
			mj.Units = append(mj.Units, rbm.SpecOf(u))
		}
		b, err := json.MarshalIndent(mj, "", "  ")
		return append(b, '\n'), err
	})
	if err != nil {
		return nest.Within("dbm: save", err)
	}
	return nil
}

// Load opens the DBM saved in dir.
func Load(dir string) (*DBM, error) { return load(dir, nil) }

// LoadOn is Load with the model placed on another device than the one it was saved with: gpu as
// Config.GPU ("" for the CPU, "0" for GPU 0) and threads as Config.Threads (0: one per core).
func LoadOn(dir, gpu string, threads int) (*DBM, error) {
	return load(dir, func(c *Config) { c.GPU, c.Threads = gpu, threads })
}

// LoadAt is Load into a session on target, a task of a TensorFlow cluster ("grpc://host:port",
// see Config.Target), with threads as Config.Threads and the rows of its products shared among
// devices (Config.Devices; none: all on the target). The task reads the checkpoint: the model
// folder must be at the same path on its machine.
func LoadAt(dir, target string, threads int, devices ...string) (*DBM, error) {
	return load(dir, func(c *Config) { c.Target, c.Threads, c.Devices = target, threads, devices })
}

func load(dir string, place func(*Config)) (*DBM, error) {
	var mj modelJSON
	if _, err := modeldir.ReadJSON(dir, "dbm", 1, &mj); err != nil {
		return nil, nest.Within("dbm: load", err)
	}
	c := mj.Config
	var err error
	for i, u := range mj.Units {
		unit, err := u.Unit()
		if err != nil {
			return nil, modeldir.Inconsistent(nest.Within(fmt.Sprintf("dbm: load %s: layer %d", dir, i), err))
		}
		c.Units = append(c.Units, unit)
	}
	if c.DType, err = tfops.ParseDType(mj.DType); err != nil {
		return nil, modeldir.Inconsistent(nest.Within("dbm: load "+dir, err))
	}
	if mj.Epoch > c.Epochs {
		return nil, modeldir.Inconsistent(fmt.Errorf("dbm: load %s: %s: epoch %d, but config.Epochs %d: a model is saved after its epochs, never beyond them (model.json edited?)", dir, modeldir.File, mj.Epoch, c.Epochs))
	}
	if place != nil {
		place(&c)
	}
	m, err := open(c)
	if err != nil {
		// A configuration its own fields contradict is the description's fault, not the
		// caller's placement.
		var ce *ConfigError
		if errors.As(err, &ce) && !slices.Contains([]string{"GPU", "Threads", "Target", "Devices"}, ce.Field) {
			return nil, modeldir.Inconsistent(nest.Within(fmt.Sprintf("dbm: load %s: %s describes no valid DBM (edited?)", dir, modeldir.File), err))
		}
		return nil, nest.Within("dbm: load "+dir, err)
	}
	if err := modeldir.Restore(dir, mj.Checkpoint, m.sess, m.saver); err != nil {
		m.Close()
		return nil, nest.Within("dbm: load "+dir, err)
	}
	m.epoch, m.iter = mj.Epoch, mj.Updates
	return m, nil
}
