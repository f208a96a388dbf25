package pipeline

import (
	"cmp"
	"errors"
	"math"
	"strings"

	tf "github.com/galeone/tensorflow/tensorflow/go"

	"github.com/boltzmann-go/boltzmann/dbm"
	"github.com/boltzmann-go/boltzmann/optim"
	"github.com/boltzmann-go/boltzmann/rbm"
	"github.com/boltzmann-go/boltzmann/tfops"
)

// DBMStack describes a DBM of the original's programs and how it trains: one pretraining RBM
// per hidden layer, then the DBM, and AIS for its log Z. The zero value of every field is
// dbm_mnist.py's default (bm dbm's); where zero is a valid value but not the default, a No…
// field asks for it. Check reports a field out of range as a *FieldError naming it.
type DBMStack struct {
	// Hiddens are the hidden layer sizes, bottom first. Nil means [512, 1024].
	Hiddens []int
	// Visible is the visible units: "bernoulli" (also "") or "gaussian" with σ Sigma (nil: 1).
	Visible string
	Sigma   []float64
	// HiddenUnits are the hidden layers' units, "bernoulli" (also "") or "multinomial" with
	// Draws draws in Groups groups (zero: 100 and 1). Nil means all bernoulli.
	HiddenUnits   []string
	Draws, Groups int

	// RBMEpochs, RBMBatch, RBMSeeds and RBMK are each pretraining RBM's epochs, batch size,
	// seed and Gibbs steps. Nil means [64, 120], [48, 48], [1337, 1111] and [1, 1].
	RBMEpochs, RBMBatch, RBMSeeds, RBMK []int
	// RBMLR, RBML2 and RBMWInit are each RBM's learning rate, L2 and initial weight std. Nil
	// means [0.01, 0.002] ([0.05, 0.01] with the original's momentum rule), [1e-3, 2e-4] and
	// [0.001, 0.005].
	RBMLR, RBML2, RBMWInit []float64
	// RBMSampleVisible says per RBM whether its chain samples visible states (1) or uses their
	// means (0). Nil means all 1.
	RBMSampleVisible []int
	// IncreaseKEvery makes the RBMs above the first grow k by 1 and divide the learning rate by
	// k every this many epochs (IncreasingK). Zero means 20; ConstantK keeps k constant.
	IncreaseKEvery int
	ConstantK      bool
	// RBMMomentum is the RBMs' momentum schedule. Nil means 0.5 for 5 epochs, then 0.9.
	RBMMomentum []float64

	// Epochs, BatchSize, Particles, GibbsSteps and MeanFieldSteps are the DBM's. Zero means
	// 500, 100, 100, 1 and 50.
	Epochs, BatchSize, Particles, GibbsSteps, MeanFieldSteps int
	// LearningRate and Momentum are the DBM's schedules. Nil means dbm.DefaultLearningRate()
	// and [0].
	LearningRate, Momentum []float64
	// L2, MaxNorm and MeanFieldTol are the DBM's. Zero means 1e-7, 6 and DefaultMeanFieldTol
	// (the original's 1e-7 with Original.All); NoL2, NoMaxNorm and NoMeanFieldTol set them to 0
	// (no decay, no norm limit, every mean-field sweep).
	L2, MaxNorm, MeanFieldTol       float64
	NoL2, NoMaxNorm, NoMeanFieldTol bool
	// Centering is the DBM's centering rate (0: none).
	Centering float64
	// SparsityTarget and SparsityCost are per hidden layer. Nil means [0.2, 0.1] and
	// [1e-4, 5e-5].
	SparsityTarget, SparsityCost []float64
	// MomentumRule is the RBMs' and the DBM's: optim.Classical (also "") or optim.Original.
	MomentumRule string
	// Seed seeds the DBM. Zero means 2222; ZeroSeed seeds it with 0.
	Seed     int64
	ZeroSeed bool
	// AISBetas and AISRuns are AIS's intermediate distributions and runs. Zero means 20000
	// and 100; NoAIS: no AIS and no lower bound.
	AISBetas, AISRuns int
	NoAIS             bool
	// DType is the float type. Zero means tf.Float.
	DType tf.DataType
	// Original selects points of the original's code path.
	Original Original
	// Threads, GPU, Target and Devices say where the models run (Devices: the cluster tasks
	// the RBMs' updates and AIS are shared among).
	Threads     int
	GPU, Target string
	Devices     []string
}

// orSlice returns s, or def when s is nil.
func orSlice[T any](s, def []T) []T {
	if s == nil {
		return def
	}
	return s
}

// withDefaults returns s with every zero field replaced by its default.
func (s DBMStack) withDefaults() DBMStack {
	s.Hiddens = orSlice(s.Hiddens, []int{512, 1024})
	s.Visible = cmp.Or(s.Visible, "bernoulli")
	s.Sigma = orSlice(s.Sigma, []float64{1})
	s.Draws, s.Groups = cmp.Or(s.Draws, 100), cmp.Or(s.Groups, 1)
	s.RBMEpochs, s.RBMBatch = orSlice(s.RBMEpochs, []int{64, 120}), orSlice(s.RBMBatch, []int{48, 48})
	s.RBMSeeds, s.RBMK = orSlice(s.RBMSeeds, []int{1337, 1111}), orSlice(s.RBMK, []int{1, 1})
	lr := []float64{0.01, 0.002}
	if s.MomentumRule == optim.Original {
		lr = []float64{0.05, 0.01}
	}
	s.RBMLR, s.RBML2, s.RBMWInit = orSlice(s.RBMLR, lr), orSlice(s.RBML2, []float64{1e-3, 2e-4}), orSlice(s.RBMWInit, []float64{0.001, 0.005})
	if s.RBMSampleVisible == nil {
		for range s.Hiddens {
			s.RBMSampleVisible = append(s.RBMSampleVisible, 1)
		}
	}
	s.IncreaseKEvery = orZero(cmp.Or(s.IncreaseKEvery, 20), s.ConstantK)
	s.RBMMomentum = orSlice(s.RBMMomentum, []float64{0.5, 0.5, 0.5, 0.5, 0.5, 0.9})
	s.Epochs, s.BatchSize, s.Particles = cmp.Or(s.Epochs, 500), cmp.Or(s.BatchSize, 100), cmp.Or(s.Particles, 100)
	s.GibbsSteps, s.MeanFieldSteps = cmp.Or(s.GibbsSteps, 1), cmp.Or(s.MeanFieldSteps, 50)
	s.LearningRate, s.Momentum = orSlice(s.LearningRate, dbm.DefaultLearningRate()), orSlice(s.Momentum, []float64{0})
	s.L2, s.MaxNorm = orZero(cmp.Or(s.L2, 1e-7), s.NoL2), orZero(cmp.Or(s.MaxNorm, 6), s.NoMaxNorm)
	s.MeanFieldTol = orZero(cmp.Or(s.MeanFieldTol, s.defaultMeanFieldTol()), s.NoMeanFieldTol)
	s.SparsityTarget, s.SparsityCost = orSlice(s.SparsityTarget, []float64{0.2, 0.1}), orSlice(s.SparsityCost, []float64{1e-4, 5e-5})
	s.MomentumRule = cmp.Or(s.MomentumRule, optim.Classical)
	s.Seed, s.AISBetas, s.AISRuns = orZero(cmp.Or(s.Seed, 2222), s.ZeroSeed), orZero(cmp.Or(s.AISBetas, 20000), s.NoAIS), cmp.Or(s.AISRuns, 100)
	s.DType = cmp.Or(s.DType, tf.Float)
	return s
}

// orZero returns v, or 0 when zero is set.
func orZero[T int | int64 | float64](v T, zero bool) T {
	if zero {
		return 0
	}
	return v
}

// perStage checks that a per-RBM field has one value per hidden layer.
func perStage[T any](field string, v []T, n int) error {
	if len(v) != n {
		return fieldErr(field, "%d values for %d hidden layers", len(v), n)
	}
	return nil
}

// Check reports the first field out of range as a *FieldError, and a DBM configuration the
// dbm package refuses as its *train.ConfigError: everything is checked before pretraining.
func (s DBMStack) Check() error {
	s = s.withDefaults()
	if s.MomentumRule != optim.Classical && s.MomentumRule != optim.Original {
		return fieldErr("MomentumRule", "%q, want %s or %s", s.MomentumRule, optim.Classical, optim.Original)
	}
	n := len(s.Hiddens)
	if n < 1 {
		return fieldErr("Hiddens", "no hidden layers")
	}
	for _, h := range s.Hiddens {
		if h <= 0 {
			return fieldErr("Hiddens", "%d units", h)
		}
	}
	for _, err := range []error{perStage("RBMEpochs", s.RBMEpochs, n), perStage("RBMBatch", s.RBMBatch, n),
		perStage("RBMSeeds", s.RBMSeeds, n), perStage("RBMK", s.RBMK, n), perStage("RBMLR", s.RBMLR, n), perStage("RBML2", s.RBML2, n),
		perStage("RBMWInit", s.RBMWInit, n)} {
		if err != nil {
			return err
		}
	}
	for i := 0; i < n; i++ {
		switch {
		case s.RBMEpochs[i] < 1:
			return fieldErr("RBMEpochs", "%d for RBM %d, want ≥ 1", s.RBMEpochs[i], i+1)
		case s.RBMBatch[i] < 1:
			return fieldErr("RBMBatch", "%d for RBM %d, want ≥ 1", s.RBMBatch[i], i+1)
		case s.RBMK[i] < 1:
			return fieldErr("RBMK", "%d for RBM %d, want ≥ 1", s.RBMK[i], i+1)
		case !(s.RBMLR[i] > 0) || math.IsInf(s.RBMLR[i], 0):
			return fieldErr("RBMLR", "%g for RBM %d, want > 0", s.RBMLR[i], i+1)
		case !(s.RBML2[i] >= 0) || math.IsInf(s.RBML2[i], 0):
			return fieldErr("RBML2", "%g for RBM %d, want ≥ 0", s.RBML2[i], i+1)
		case !(s.RBMWInit[i] >= 0) || math.IsInf(s.RBMWInit[i], 0):
			return fieldErr("RBMWInit", "%g for RBM %d, want ≥ 0", s.RBMWInit[i], i+1)
		}
	}
	if s.IncreaseKEvery < 0 {
		return fieldErr("IncreaseKEvery", "%d, want ≥ 0", s.IncreaseKEvery)
	}
	if err := perStage("RBMSampleVisible", s.RBMSampleVisible, n); err != nil {
		return err
	}
	for _, v := range s.RBMSampleVisible {
		if v != 0 && v != 1 {
			return fieldErr("RBMSampleVisible", "%d, want 0 or 1 per RBM", v)
		}
	}
	if _, err := s.units(); err != nil {
		return err
	}
	for _, c := range []struct {
		field string
		v     int
	}{{"Epochs", s.Epochs}, {"BatchSize", s.BatchSize}, {"Particles", s.Particles}, {"GibbsSteps", s.GibbsSteps}, {"MeanFieldSteps", s.MeanFieldSteps}} {
		if c.v < 1 {
			return fieldErr(c.field, "%d, want ≥ 1", c.v)
		}
	}
	if s.Threads < 0 {
		return fieldErr("Threads", "%d, want ≥ 0 (0: one per core)", s.Threads)
	}
	if s.AISBetas < 0 {
		return fieldErr("AISBetas", "%d, want ≥ 0 (0: no AIS)", s.AISBetas)
	}
	if s.AISRuns < 2 {
		return fieldErr("AISRuns", "%d, want ≥ 2", s.AISRuns)
	}
	if _, err := tfops.ConfigProto(&tfops.Options{GPU: s.GPU}); err != nil {
		return fieldErr("GPU", "%v", err)
	}
	// Everything the DBM's Config checks, checked now rather than after pretraining.
	sizes := append([]int{max(1, len(s.Sigma))}, s.Hiddens...)
	return DBMConfigError(s.dbmConfig(sizes, tf.Float).Validate())
}

// dbmFields maps dbm.Config fields to the DBMStack fields that set them.
var dbmFields = map[string]string{
	"LearningRate": "LearningRate", "Momentum": "Momentum", "MomentumRule": "MomentumRule", "MeanFieldTol": "MeanFieldTol",
	"MeanFieldSteps": "MeanFieldSteps", "MaxNorm": "MaxNorm", "Particles": "Particles", "GibbsSteps": "GibbsSteps",
	"BatchSize": "BatchSize", "SparsityTarget": "SparsityTarget", "SparsityCost": "SparsityCost", "L2": "L2",
	"Epochs": "Epochs", "Centering": "Centering", "Threads": "Threads", "GPU": "GPU", "DType": "DType", "Sizes": "Hiddens",
}

// DBMConfigError returns a *dbm.ConfigError in err as a *FieldError naming the DBMStack field
// that sets its field (its message the error's), or err.
func DBMConfigError(err error) error {
	var ce *dbm.ConfigError
	if !errors.As(err, &ce) || ce.Package != "dbm" {
		return err
	}
	field, _, _ := strings.Cut(ce.Field, "[")
	if f, ok := dbmFields[field]; ok {
		return &FieldError{Field: f, Msg: err.Error()}
	}
	return err
}

// units returns the unit type of every layer, visible first (s with defaults).
func (s DBMStack) units() ([]rbm.Unit, error) {
	if s.Draws < 1 || s.Groups < 1 {
		return nil, fieldErr("Draws", "%d draws in %d groups, want ≥ 1 each", s.Draws, s.Groups)
	}
	var us []rbm.Unit
	switch s.Visible {
	case "bernoulli":
		us = append(us, rbm.Bernoulli{})
	case "gaussian":
		us = append(us, rbm.Gaussian{Sigma: s.Sigma})
	default:
		return nil, fieldErr("Visible", "%q, want bernoulli or gaussian", s.Visible)
	}
	names := s.HiddenUnits
	if names == nil {
		names = make([]string, len(s.Hiddens))
	}
	if len(names) != len(s.Hiddens) {
		return nil, fieldErr("HiddenUnits", "%d unit types for %d hidden layers", len(names), len(s.Hiddens))
	}
	for i, name := range names {
		switch strings.TrimSpace(name) {
		case "", "bernoulli":
			us = append(us, rbm.Bernoulli{})
		case "multinomial":
			if s.Hiddens[i]%s.Groups != 0 {
				return nil, fieldErr("Groups", "%d groups don't divide hidden layer %d's %d units", s.Groups, i+1, s.Hiddens[i])
			}
			us = append(us, rbm.Multinomial{Draws: s.Draws, Groups: s.Groups})
		default:
			return nil, fieldErr("HiddenUnits", "%q, want bernoulli or multinomial", name)
		}
	}
	return us, nil
}

// DBMConfig returns the DBM's configuration (Sizes and Units nil: the RBMs').
func (s DBMStack) DBMConfig() dbm.Config { return s.withDefaults().dbmConfig(nil, 0) }

// dbmConfig is DBMConfig for s with defaults, layers of the given sizes and dtype dt (0: s's).
func (s DBMStack) dbmConfig(sizes []int, dt tf.DataType) dbm.Config {
	us, _ := s.units() // checked by Check
	c := dbm.Config{Sizes: sizes, Units: us, DType: cmp.Or(dt, s.DType), Seed: s.Seed, Particles: s.Particles, GibbsSteps: []int{s.GibbsSteps},
		MeanFieldSteps: s.MeanFieldSteps, MeanFieldTol: s.MeanFieldTol, LearningRate: Schedule(s.Original, s.LearningRate),
		Momentum: Schedule(s.Original, s.Momentum), Epochs: s.Epochs, BatchSize: s.BatchSize, L2: rbm.F(s.L2), MaxNorm: s.MaxNorm,
		Centering: s.Centering, SparsityTarget: s.SparsityTarget, SparsityCost: s.SparsityCost,
		Metrics: dbm.Metrics{MSRE: true, TrainEvery: 400}, Threads: s.Threads, GPU: s.GPU, MomentumRule: s.MomentumRule, Target: s.Target}
	s.Original.DBM(&c)
	return c
}

// RBMConfig returns the configuration of pretraining RBM i (0-based) for data of cols columns.
func (s DBMStack) RBMConfig(i, cols int) rbm.Config {
	s = s.withDefaults()
	sizes := append([]int{cols}, s.Hiddens...)
	units, _ := s.units() // checked by Check
	c := rbm.Config{CDSteps: []int{s.RBMK[i]}, NumVisible: sizes[i], NumHidden: sizes[i+1], DType: s.DType, Seed: int64(s.RBMSeeds[i]),
		Visible: units[i], Hidden: units[i+1],
		WeightStd: s.RBMWInit[i], Epochs: s.RBMEpochs[i], BatchSize: s.RBMBatch[i], L2: rbm.F(s.RBML2[i]),
		SampleVisible: s.RBMSampleVisible[i] == 1, DBMFirst: i == 0, DBMLast: i == len(s.Hiddens)-1 && i > 0,
		Momentum: Schedule(s.Original, s.RBMMomentum), LearningRate: []float64{s.RBMLR[i]},
		Metrics: rbm.Metrics{MSRE: true, PLL: units[i].Domain() == rbm.Binary, TrainEvery: 500}, Threads: s.Threads, GPU: s.GPU,
		MomentumRule: s.MomentumRule, Target: s.Target, Devices: s.Devices}
	if i > 0 && s.IncreaseKEvery > 0 {
		c.CDSteps, c.LearningRate = IncreasingK(s.RBMK[i], s.RBMLR[i], c.Epochs, s.IncreaseKEvery)
		c.CDSteps, c.LearningRate = Schedule(s.Original, c.CDSteps), Schedule(s.Original, c.LearningRate)
	}
	s.Original.RBM(&c)
	return c
}

// Stage returns the DBM stage of the stack for data of cols columns, with the RBMs' model
// folders rbmDirs, the DBM's dir and the results' folder out; dataPath is where the test set of
// the bound is read.
func (s DBMStack) Stage(cols int, rbmDirs []string, dir, out, dataPath string) (*TrainDBM, error) {
	s = s.withDefaults()
	if len(rbmDirs) != len(s.Hiddens) {
		return nil, errors.New("pipeline: DBMStack.Stage: one model folder per hidden layer")
	}
	t := &TrainDBM{Config: s.dbmConfig(nil, 0), RBMDirs: rbmDirs, Dir: dir,
		Results: DBMResults{Out: out, AISBetas: s.AISBetas, AISRuns: s.AISRuns, AISDevices: s.Devices, DataPath: dataPath, Seed: s.Seed, Original: s.Original}}
	for i := range s.Hiddens {
		t.RBMs = append(t.RBMs, s.RBMConfig(i, cols))
	}
	return t, nil
}

// DefaultMeanFieldTol is the DBM's mean-field tolerance of the pipelines and commands: the
// sweeps stop once no μ moves by more. The original's 1e-7 is never met in float32 (every update
// runs all its sweeps); 1e-5 takes 23 sweeps instead of 50 on MNIST and changes ten updates'
// weight change by 2e-6 of its size, where another seed for the chains changes it by 0.5
// (docs/RESULTS.md, "Mean-field tolerance").
const DefaultMeanFieldTol = 1e-5

// OriginalMeanFieldTol is the original's mean-field tolerance, the default with AsOriginal.
const OriginalMeanFieldTol = 1e-7

// defaultMeanFieldTol is the tolerance a zero MeanFieldTol means: the original's on its whole
// code path, ours otherwise.
func (s DBMStack) defaultMeanFieldTol() float64 {
	if s.Original == AsOriginal() {
		return OriginalMeanFieldTol
	}
	return DefaultMeanFieldTol
}
