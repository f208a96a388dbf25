package main

import (
	"flag"

	"github.com/boltzmann-go/boltzmann/dbm"
	"github.com/boltzmann-go/boltzmann/rbm"
	"github.com/boltzmann-go/boltzmann/tfops"
)

// device places a model that a command loads: -gpu and -threads, instead of the device the
// model was trained on.
type device struct {
	gpu     string
	threads int
}

func (d *device) register(fs *flag.FlagSet) {
	fs.StringVar(&d.gpu, "gpu", "", "GPU ids to run the model on, e.g. 0; empty means CPU")
	fs.IntVar(&d.threads, "threads", 0, "TensorFlow intra-op threads (0: one per core)")
}

// check reports a bad -gpu or -threads as a usage error naming the flag.
func (d *device) check() error {
	if d.threads < 0 {
		return flagErr("threads", "%d, want ≥ 0 (0: one per core)", d.threads)
	}
	if _, err := tfops.ConfigProto(&tfops.Options{GPU: d.gpu}); err != nil {
		return flagErr("gpu", "%v", err)
	}
	return nil
}

func (d *device) loadRBM(dir string) (*rbm.RBM, error) { return rbm.LoadOn(dir, d.gpu, d.threads) }
func (d *device) loadDBM(dir string) (*dbm.DBM, error) { return dbm.LoadOn(dir, d.gpu, d.threads) }
