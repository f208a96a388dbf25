package main

import (
	"fmt"
	"maps"
	"reflect"
	"slices"

	"github.com/boltzmann-go/boltzmann/rbm"
	"github.com/boltzmann-go/boltzmann/tfops"
	"github.com/boltzmann-go/boltzmann/train"
	tf "github.com/galeone/tensorflow/tensorflow/go"
)

// dynamicsFields maps the flags of bm train that change how a model trains to their Config
// fields. A resumed run keeps its saved configuration; one of these flags given on the command
// line with another value than the saved one is an error (see checkResume). Flags that only
// shape a new model (-w-init, -vb-init, -hb-init, -seed) or only reporting are not here: the
// command that started a run can be repeated to resume it.
var dynamicsFields = map[string]string{
	"n-hidden": "NumHidden", "k": "CDSteps", "lr": "LearningRate", "momentum": "Momentum", "momentum-rule": "MomentumRule",
	"batch-size": "BatchSize", "l2": "L2", "dropout": "Dropout", "pcd": "Persistent", "sample-v": "SampleVisible",
	"hidden-means": "HiddenMeans", "sparsity-target": "SparsityTarget", "sparsity-cost": "SparsityCost",
	"sparsity-damping": "SparsityDamping", "dbm-first": "DBMFirst", "dbm-last": "DBMLast", "dtype": "DType",
	"visible": "Visible", "hidden": "Hidden", "draws": "Hidden", "groups": "Hidden", "sigma": "Visible",
	"method": "Method", "pt-replicas": "Method", "centering": "Centering",
}

// checkResume returns a usage error naming the first flag of set (the flags given on the
// command line) whose value differs from the saved configuration of a run resumed after epoch
// done and continued to epoch epochs. Schedules are compared epoch by epoch up to epochs.
func checkResume(flags, saved rbm.Config, set []string, done, epochs int) error {
	return checkResumeOf(dynamicsFields, flags, saved, set, done, epochs, "start over with -fresh", nil)
}

// dbmDynamicsFields maps the flags of bm dbm that change how the DBM trains to its Config fields
// (see dynamicsFields); the pretraining RBMs' flags do not reach a DBM that is resumed. The
// per-layer lists (-sparsity-target, -sparsity-cost) are saved replicated and left out.
var dbmDynamicsFields = map[string]string{
	"lr": "LearningRate", "momentum": "Momentum", "momentum-rule": "MomentumRule", "mf-tol": "MeanFieldTol",
	"max-mf-updates": "MeanFieldSteps", "max-norm": "MaxNorm", "n-particles": "Particles", "n-gibbs-steps": "GibbsSteps",
	"batch-size": "BatchSize", "l2": "L2", "centering": "Centering", "dtype": "DType",
	"sparsity-rule": "SparsityRule", "mf-start": "MeanFieldStart", "side-effects": "SideEffects", "fixed-order": "FixedOrder",
	"schedule-index": "LearningRate",
}

// checkResumeOf is checkResume for any configuration type, with the flag → field map fields;
// fresh says how to start over. spell gives how the command spells a flag of fields (and "out",
// "epochs") where it differs from -name: the original's programs spell bm dbm's -lr --lr.
func checkResumeOf(fields map[string]string, flags, saved any, set []string, done, epochs int, fresh string, spell map[string]string) error {
	fv, sv := reflect.ValueOf(flags), reflect.ValueOf(saved)
	for _, name := range set {
		field, ok := fields[name]
		if !ok {
			continue
		}
		a, b := fv.FieldByName(field).Interface(), sv.FieldByName(field).Interface()
		if a == nil {
			continue // not set by these flags (a -pt-replicas without -method pt)
		}
		differ := ""
		switch x := a.(type) {
		case []float64:
			differ = scheduleDiff(x, b.([]float64), epochs)
		case []int:
			differ = scheduleDiff(x, b.([]int), epochs)
		case rbm.Unit:
			if !rbm.SameUnit(x, b.(rbm.Unit)) {
				differ = fmt.Sprintf("%v, saved %v", rbm.SpecOf(x), rbm.SpecOf(b.(rbm.Unit)))
			}
		case tf.DataType:
			if y := b.(tf.DataType); x != y {
				differ = fmt.Sprintf("%s, saved %s", tfops.DTypeName(x), tfops.DTypeName(y))
			}
		case *float64:
			if y := b.(*float64); x != nil && y != nil && *x != *y {
				differ = fmt.Sprintf("%g, saved %g", *x, *y)
			}
		default:
			if !reflect.DeepEqual(a, b) {
				differ = fmt.Sprintf("%+v, saved %+v", a, b)
			}
		}
		if differ != "" {
			spelled := func(name string) string {
				if s, ok := spell[name]; ok {
					return s
				}
				return "-" + name
			}
			return usageError{fmt.Sprintf("flag %s: %s: the model in %s resumes after epoch %d with its saved configuration; "+
				"repeat the command that started it (changing only %s), or %s", spelled(name), differ, spelled("out"), done, spelled("epochs"), fresh)}
		}
	}
	return nil
}

// scheduleDiff describes the first epoch up to epochs at which schedules a and b differ, or "".
func scheduleDiff[T comparable](a, b []T, epochs int) string {
	for e := 1; e <= epochs; e++ {
		if x, y := train.At(a, e), train.At(b, e); x != y {
			return fmt.Sprintf("%v at epoch %d, saved %v", x, e, y)
		}
	}
	return ""
}

// stateful is a model whose trained tensors can be read (*rbm.RBM, *dbm.DBM).
type stateful interface {
	State() ([]train.Tensor, error)
}

// checkFinite refuses a model whose trained tensors hold NaN or infinities (a run that
// diverged before divergence was detected, or a damaged checkpoint).
func checkFinite(dir string, m stateful) error {
	st, err := m.State()
	if err != nil {
		return err
	}
	if err := train.CheckFinite(st); err != nil {
		return fmt.Errorf("the model in %s is unusable: %v (it diverged: train it again with a smaller learning rate)", dir, err)
	}
	return nil
}

// originalDBMFlags maps the flags of the original's DBM programs (dbm-mnist, dbm-cifar-naive,
// dbm-cifar) that set how their DBM trains to bm dbm's flags of dbmDynamicsFields.
var originalDBMFlags = map[string][]string{
	"--lr": {"lr"}, "--momentum-rule": {"momentum-rule", "momentum"}, "--n-gibbs-steps": {"n-gibbs-steps"},
	"--batch-size": {"batch-size"}, "--l2": {"l2"}, "--max-norm": {"max-norm"}, "--mf-tol": {"mf-tol"},
	"--max-mf-updates": {"max-mf-updates"}, "--n-particles": {"n-particles"}, "--dtype": {"dtype"},
	"--as-original":   {"momentum-rule", "momentum", "lr", "sparsity-rule", "mf-start", "side-effects", "fixed-order"},
	"--sparsity-rule": {"sparsity-rule"}, "--mf-start": {"mf-start"}, "--side-effects": {"side-effects"},
	"--fixed-order": {"fixed-order"}, "--schedule-index": {"lr", "momentum"},
}

// originalResume returns, for an original DBM program whose command line p has parsed, the bm
// dbm flags its given flags set (dbmFlags.set) and how the program spells them (dbmFlags.spell),
// with dirFlag the flag of its DBM folder: a resumed DBM is checked as bm dbm checks its own.
func originalResume(changed func(string) bool, dirFlag string) (set []string, spell map[string]string) {
	spell = map[string]string{"out": dirFlag, "epochs": "--epochs"}
	for _, orig := range slices.Sorted(maps.Keys(originalDBMFlags)) {
		for _, name := range originalDBMFlags[orig] {
			spell[name] = orig
			if changed(orig) {
				set = append(set, name)
			}
		}
	}
	return set, spell
}
