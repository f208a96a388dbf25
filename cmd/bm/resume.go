package main

import (
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/boltzmann-go/boltzmann/pipeline"
)

// dynamicsFields maps the flags of bm train that change how a model trains to their Config
// fields. A resumed run keeps its saved configuration; one of these flags given on the command
// line with another value than the saved one is an error (see checkResume). Flags that only
// shape a new model (-w-init, -vb-init, -hb-init, -seed) or only reporting are not here: the
// command that started a run can be repeated to resume it.
var dynamicsFields = map[string]string{
	"n-hidden": "NumHidden", "k": "CDSteps", "lr": "LearningRate", "momentum": "Momentum", "momentum-rule": "MomentumRule",
	"batch-size": "BatchSize", "l2": "L2", "dropout": "Keep", "pcd": "Persistent", "sample-v": "SampleVisible",
	"hidden-means": "HiddenMeans", "sparsity-target": "SparsityTarget", "sparsity-cost": "SparsityCost",
	"sparsity-damping": "SparsityDamping", "dbm-first": "DBMFirst", "dbm-last": "DBMLast", "dtype": "DType",
	"visible": "Visible", "hidden": "Hidden", "draws": "Hidden", "groups": "Hidden", "sigma": "Visible",
	"method": "Method", "pt-replicas": "Method", "centering": "Centering",
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

// dataRecordFlags maps the pipeline.DataSettings fields that a model's data record holds to the
// flags that set them.
var dataRecordFlags = map[string]string{"NTrain": "n-train", "NVal": "n-val", "SplitSeed": "split-seed", "Stratify": "stratify",
	"Binarize": "binarize", "Standardize": "standardize"}

// givenFields returns the configuration fields that the flags of set (the flags given on the
// command line) set, in their order, through fields (flag → field).
func givenFields(fields map[string]string, set []string) []string {
	var given []string
	for _, name := range set {
		if field, ok := fields[name]; ok && !slices.Contains(given, field) {
			given = append(given, field)
		}
	}
	return given
}

// resumeFlagErr returns err, a *pipeline.ResumeError in it turned into a usage error naming
// the first flag of set that sets its field through fields (flag → field); fresh says how to
// start over. spell gives how the command spells a flag of fields (and "out", "epochs") where
// it differs from -name: the original's programs spell bm dbm's -lr --lr.
func resumeFlagErr(err error, fields map[string]string, set []string, fresh string, spell map[string]string) error {
	var re *pipeline.ResumeError
	if !errors.As(err, &re) {
		return err
	}
	spelled := func(name string) string {
		if s, ok := spell[name]; ok {
			return s
		}
		return "-" + name
	}
	if name, ok := dataRecordFlags[re.Field]; ok { // the data are checked whether their flags were given or not
		if spell != nil {
			name = "-" + name // the original's programs spell their flags --name
		}
		return usageError{fmt.Sprintf("flag -%s: %s: the model resumes after epoch %d and must go on with the rows it was trained on; "+
			"repeat the data flags of the command that started it, or %s", name, re.Differ, re.Done, fresh)}
	}
	for _, name := range set {
		if fields[name] == re.Field {
			return usageError{fmt.Sprintf("flag %s: %s: the model in %s resumes after epoch %d with its saved configuration; "+
				"repeat the command that started it (changing only %s), or %s", spelled(name), re.Differ, spelled("out"), re.Done, spelled("epochs"), fresh)}
		}
	}
	return err
}

// originalDBMFlags maps the flags of the original's DBM programs (dbm-mnist, dbm-cifar-naive,
// dbm-cifar) that set how their DBM trains to bm dbm's flags of dbmDynamicsFields.
var originalDBMFlags = map[string][]string{
	"--lr": {"lr"}, "--momentum-rule": {"momentum-rule", "momentum"}, "--n-gibbs-steps": {"n-gibbs-steps"},
	"--batch-size": {"batch-size"}, "--l2": {"l2"}, "--max-norm": {"max-norm"}, "--mf-tol": {"mf-tol"},
	"--max-mf-updates": {"max-mf-updates"}, "--n-particles": {"n-particles"}, "--dtype": {"dtype"},
	"--as-original":   {"momentum-rule", "momentum", "lr", "sparsity-rule", "mf-start", "side-effects", "fixed-order", "mf-tol"},
	"--sparsity-rule": {"sparsity-rule"}, "--mf-start": {"mf-start"}, "--side-effects": {"side-effects"},
	"--fixed-order": {"fixed-order"}, "--schedule-index": {"lr", "momentum"},
}

// originalResume returns, for an original DBM program whose command line p has parsed, the bm
// dbm flags its given flags set (dbmFlags.set) and how the program spells them (dbmFlags.spell),
// with dirFlag the flag of its DBM folder: a resumed DBM is checked as bm dbm checks its own. A
// bm dbm flag set by several of the program's flags (-lr by --lr, --as-original and
// --schedule-index) is spelled as the one the command line gave, the program's own --name first.
func originalResume(changed func(string) bool, dirFlag string) (set []string, spell map[string]string) {
	spell = map[string]string{"out": dirFlag, "epochs": "--epochs"}
	given := map[string]bool{}
	for _, orig := range slices.Sorted(maps.Keys(originalDBMFlags)) {
		for _, name := range originalDBMFlags[orig] {
			switch {
			case changed(orig) && (!given[name] || orig == "--"+name):
				spell[name], given[name] = orig, true
			case !given[name] && (spell[name] == "" || orig == "--"+name):
				spell[name] = orig
			}
			if changed(orig) {
				set = append(set, name)
			}
		}
	}
	return set, spell
}
