package pipeline

import (
	"context"

	"github.com/galeone/tensorflow/tensorflow/go/op"

	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/dbm"
	"github.com/boltzmann-go/boltzmann/export/serving"
	"github.com/boltzmann-go/boltzmann/rbm"
	"github.com/boltzmann-go/boltzmann/train"
)

// A Model is a trained RBM or DBM opened from its model folder by OpenModel: what the commands
// that use a trained model (info, export, sample, transform, logz, classify) need of either,
// so that none of them switches on the model's kind.
type Model interface {
	// Kind is "rbm" or "dbm".
	Kind() string
	// Epoch is the number of epochs the model was trained.
	Epoch() int
	// Inputs is the number of visible units, and HiddenLayers the number of hidden layers.
	Inputs() int
	HiddenLayers() int
	// Features returns the hidden features of the rows of x: an RBM's p(h|v), a DBM's
	// mean-field posterior of hidden layer layer (1 is the bottom one), or of all of them side
	// by side (layer 0).
	Features(x *dataset.Matrix[float32], layer int) (*dataset.Matrix[float64], error)
	// Sample runs chains Gibbs chains for steps steps from noise, seeded with seed, and returns
	// the visible means of their last states; progress, if not nil, follows the steps.
	Sample(ctx context.Context, chains, steps int, seed int64, progress func(done, total int)) (*dataset.Matrix[float64], error)
	// AsDBM returns the model as a DBM: a DBM itself, an RBM as the one-hidden-layer DBM of
	// its weights (a new DBM). The caller closes it (closing a DBM twice is harmless).
	AsDBM() (*dbm.DBM, error)
	// BuildServing adds the model's serving graph (export.Model).
	BuildServing(s *op.Scope, o serving.Options) (*serving.Graph, error)
	// State returns the trained tensors (CheckFinite).
	State() ([]train.Tensor, error)
	// Close releases the model; it may be called more than once.
	Close() error
}

// Placement says where a model that is opened runs: in this process on GPU ("": the CPU) with
// Threads TensorFlow threads (0: one per core), or, with Target set, in a session on that
// cluster task.
type Placement struct {
	GPU, Target string
	Threads     int
}

// OpenModel loads the RBM or DBM saved in dir (a model folder, or a run folder holding model/)
// where p places it. A folder of another kind, or whose model.json contradicts its kind, is
// an error naming what is inconsistent (modeldir.ErrInconsistent).
func OpenModel(dir string, p Placement) (Model, error) {
	dir = ResolveModelDir(dir)
	kind, err := ModelKind(dir)
	if err != nil {
		return nil, err
	}
	if kind == "dbm" {
		m, err := p.LoadDBM(dir)
		if err != nil {
			return nil, err
		}
		return dbmModel{m}, nil
	}
	m, err := p.LoadRBM(dir)
	if err != nil {
		return nil, err
	}
	return rbmModel{m}, nil
}

// LoadRBM loads the RBM saved in dir where p places it.
func (p Placement) LoadRBM(dir string) (*rbm.RBM, error) {
	if p.Target != "" {
		return rbm.LoadAt(dir, p.Target, p.Threads)
	}
	return rbm.LoadOn(dir, p.GPU, p.Threads)
}

// LoadDBM loads the DBM saved in dir where p places it.
func (p Placement) LoadDBM(dir string) (*dbm.DBM, error) {
	if p.Target != "" {
		return dbm.LoadAt(dir, p.Target, p.Threads)
	}
	return dbm.LoadOn(dir, p.GPU, p.Threads)
}

// rbmModel is an RBM as a Model.
type rbmModel struct{ *rbm.RBM }

func (rbmModel) Kind() string      { return "rbm" }
func (m rbmModel) Inputs() int     { return m.Config().NumVisible }
func (rbmModel) HiddenLayers() int { return 1 }
func (m rbmModel) AsDBM() (*dbm.DBM, error) {
	return dbm.FromRBMs(dbm.Config{DType: m.Config().DType, Target: m.Config().Target}, m.RBM)
}

func (m rbmModel) Features(x *dataset.Matrix[float32], layer int) (*dataset.Matrix[float64], error) {
	return m.Transform(x)
}

func (m rbmModel) Sample(ctx context.Context, chains, steps int, seed int64, progress func(done, total int)) (*dataset.Matrix[float64], error) {
	s, err := m.RBM.Sample(ctx, rbm.SampleOptions{Chains: chains, Steps: steps, Seed: seed, OnProgress: progress})
	if err != nil {
		return nil, err
	}
	return s.Means, nil
}

// dbmModel is a DBM as a Model.
type dbmModel struct{ *dbm.DBM }

func (dbmModel) Kind() string               { return "dbm" }
func (m dbmModel) Inputs() int              { return m.Config().Sizes[0] }
func (m dbmModel) HiddenLayers() int        { return len(m.Config().Sizes) - 1 }
func (m dbmModel) AsDBM() (*dbm.DBM, error) { return m.DBM, nil }

func (m dbmModel) Features(x *dataset.Matrix[float32], layer int) (*dataset.Matrix[float64], error) {
	mu, err := m.MeanField(x)
	if err != nil {
		return nil, err
	}
	if layer > 0 {
		return mu[layer-1], nil
	}
	cols := 0
	for _, m := range mu {
		cols += m.Cols
	}
	out := dataset.NewMatrix[float64](x.Rows, cols)
	for i := 0; i < x.Rows; i++ {
		row := out.Row(i)[:0]
		for _, m := range mu {
			row = append(row, m.Row(i)...)
		}
	}
	return out, nil
}

func (m dbmModel) Sample(ctx context.Context, chains, steps int, seed int64, progress func(done, total int)) (*dataset.Matrix[float64], error) {
	return m.DBM.Sample(ctx, dbm.SampleOptions{Chains: chains, Steps: steps, Seed: seed, OnProgress: progress})
}
