package main

import (
	"errors"
	"fmt"
	"log"
	"strings"

	"github.com/boltzmann-go/boltzmann/pipeline"
)

// standardizerFile is the standardization saved beside a model folder.
const standardizerFile = pipeline.StandardizerFile

// hooks returns the pipeline hooks of a command: log lines through the log (prefixed
// "bm <name>: "), progress bars (epoch lines alone with quiet or without a terminal), and the
// command line noted beside every model folder a stage writes.
func hooks(quiet bool) pipeline.Hooks {
	h := logHooks()
	h.Output = func(text string) { fmt.Print(text) }
	h.Progress = func(r pipeline.Run) pipeline.Progress {
		return newUnitProgress(quiet, r.Done, r.Epochs, r.PerEpoch, r.Unit, r.Desc)
	}
	return h
}

// logHooks are hooks with the log and the command line noted, without progress.
func logHooks() pipeline.Hooks {
	return pipeline.Hooks{Log: func(line string) { log.Print(line) }, Saving: noteCommand, StageDone: stageMemory}
}

// fieldFlags maps the settings fields of the pipeline stages (and of rbm.Config, for bm train)
// to the flags that set them: the one place where a *pipeline.FieldError or a configuration
// error becomes a usage error naming the user's flag.
var fieldFlags = map[string]string{
	"Test": "test", "Out": "out", "Classify": "classify", "ClassifyMaxIter": "classify-max-iter", "LabelsOut": "labels-out", "Model": "model", "Data": "data", "Mask": "mask", "NTrain": "n-train", "NVal": "n-val", "Stratify": "stratify", "ImageShape": "image-shape", "Binarize": "binarize", "Epochs": "epochs",
	"NHidden": "n-hidden", "WInit": "w-init", "K": "n-gibbs-steps", "LR": "lr", "BatchSize": "batch-size", "L2": "l2",
	"Keep": "dropout", "SparsityTarget": "sparsity-target", "SparsityCost": "sparsity-cost", "SparsityDamping": "sparsity-damping",
	"DType": "dtype", "MomentumRule": "momentum-rule", "HiddenBias": "hb-init", "Threads": "threads", "GPU": "gpu",
	"Particles": "n-particles", "Layer": "layer", "Augment": "mlp-augment", "Hiddens": "n-hiddens", "Visible": "visible", "Sigma": "sigma",
	"HiddenUnits": "hidden-units", "Draws": "draws", "Groups": "groups", "RBMEpochs": "rbm-epochs", "RBMBatch": "rbm-batch-size",
	"RBMSeeds": "rbm-seeds", "RBMK": "rbm-k", "RBMLR": "rbm-lr", "RBML2": "rbm-l2", "RBMWInit": "rbm-w-init",
	"RBMSampleVisible": "rbm-sample-v", "IncreaseKEvery": "increase-n-gibbs-steps-every", "GibbsSteps": "n-gibbs-steps",
	"MeanFieldSteps": "max-mf-updates", "AISBetas": "ais-betas", "AISRuns": "ais-runs", "LearningRate": "lr", "Momentum": "momentum",
	"MeanFieldTol": "mf-tol", "MaxNorm": "max-norm", "Centering": "centering", "NumHidden": "n-hidden", "WeightStd": "w-init",
	"CDSteps": "k", "Hidden": "hidden", "UpdatesPerRun": "updates-per-run", "InitHiddenBias": "hb-init", "InitVisibleBias": "vb-init",
	"Metrics.TrainEvery": "train-every", "Metrics.ValEvery": "val-every", "Metrics.FEGEvery": "feg-every", "Metrics.FEGBatches": "feg-batches",
	"Metrics.PLL": "metrics", "Method": "method",
}

// commandFieldFlags are the flags of fields that a command spells otherwise than fieldFlags
// says: bm dbm-mnist's triples set the pretraining RBMs' and the DBM's values together.
var commandFieldFlags = map[string]map[string]string{
	"few-label": {"L2": "mlp-l2", "Rows": "rows"},
	"tsne":      {"K": "k", "Labels": "labels", "Perplexity": "perplexity"},
	"crbm":      {"NLabeled": "n-labeled", "Patience": "patience"},
	"logz": {"ReverseStart": "reverse-start", "Data": "data", "Method": "method", "BurnIn": "burn-in", "Betas": "betas", "Runs": "runs",
		"Blocks": "blocks", "SweepsPerBeta": "sweeps", "Base": "base", "Schedule": "schedule"},
	"dbm-mnist":       originalStaged,
	"dbm-cifar":       originalStaged,
	"dbm-cifar-naive": originalStaged,
}

// originalStaged are the fields of the original's DBM programs whose per-stage lists set the
// pretraining RBMs' and the DBM's values together.
var originalStaged = map[string]string{"RBMEpochs": "epochs", "RBMBatch": "batch-size", "RBMSeeds": "random-seed", "RBMK": "n-gibbs-steps",
	"RBMLR": "lr", "RBML2": "l2", "Seeds": "random-seed", "K": "n-gibbs-steps"}

// originalPrograms are the commands that reproduce the original's programs, whose flags are
// spelled --name (the generic commands': -name).
var originalPrograms = map[string]bool{"rbm-mnist": true, "dbm-mnist": true, "dbm-cifar-naive": true, "dbm-cifar": true}

// spellFlag returns how command name spells the flag called flag.
func spellFlag(name, flag string) string {
	if originalPrograms[name] {
		return "--" + flag
	}
	return "-" + flag
}

// flagged returns err with a *pipeline.FieldError in it reported as a usage error naming the
// flag of command name that set the field, or err itself.
func flagged(name string, err error) error {
	var fe *pipeline.FieldError
	if !errors.As(err, &fe) {
		return err
	}
	flag, ok := commandFieldFlags[name][fe.Field]
	if !ok {
		flag, ok = fieldFlags[fe.Field]
	}
	if !ok {
		return err
	}
	return usageError{strings.Replace(err.Error(), fe.Error(), "flag "+spellFlag(name, flag)+": "+fe.Msg, 1)}
}
