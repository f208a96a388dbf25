package pipeline

import (
	"cmp"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/boltzmann-go/boltzmann/dataset"
)

// Transform writes a model's hidden features of a data set's rows (bm transform): an RBM's
// p(h|v), a DBM's mean-field posteriors, as .npy or CSV, with the rows' labels if asked. The
// zero value of every field is its documented default.
type Transform struct {
	// Model is the model folder (or a run folder holding model/).
	Model string
	// Data is the data set (ReadSet's forms). Empty means "data/mnist".
	Data string
	// Test transforms the test set of an MNIST or CIFAR-10 folder.
	Test bool
	// Layer is the DBM's hidden layer (Features.Layer). Empty means "top".
	Layer string
	// Out is the features' file: .npy (float32) or .csv. Empty means "features.npy".
	Out string
	// LabelsOut, if set, is a .npy file for the labels of an MNIST or CIFAR-10 folder.
	LabelsOut string
	// Standardized says the rows are standardized already (Features.Standardized).
	Standardized bool
	// Placement says where the model runs.
	Placement Placement
}

// Run writes the features; a bad setting is a *FieldError.
func (s Transform) Run(h Hooks) error {
	model, data, layer, out, labelsOut := s.Model, cmp.Or(s.Data, "data/mnist"), cmp.Or(s.Layer, "top"), cmp.Or(s.Out, "features.npy"), s.LabelsOut
	if ext := strings.ToLower(filepath.Ext(out)); ext != ".npy" && ext != ".csv" {
		return fieldErr("Out", "%q: want a .npy or .csv file name", out)
	}
	if labelsOut != "" && samePath(out, labelsOut) {
		return fieldErr("LabelsOut", "%s is also -out: the labels would overwrite the features", labelsOut)
	}
	if n, err := strconv.Atoi(layer); layer != "top" && layer != "all" && (err != nil || n < 1) {
		return fieldErr("Layer", "%q, want top, all or a hidden layer number ≥ 1", layer)
	}
	x, labels, err := ReadSet(data, s.Test, h)
	if err != nil {
		return err
	}
	if labelsOut != "" && labels == nil {
		return fieldErr("LabelsOut", "%s has no labels (only MNIST and CIFAR-10 folders do)", data)
	}
	// The featurizer standardizes the rows with the model's standardizer.json (the one place
	// that does, so that the data are standardized exactly once); Standardized says they
	// are standardized already.
	fs := Features{Layer: layer, GPU: s.Placement.GPU, Target: s.Placement.Target, Threads: s.Placement.Threads, Standardized: s.Standardized}
	f, err := fs.Open(model, h)
	if err != nil {
		return err
	}
	defer f.Close()
	bar := h.startEpochs(0, 1, x.Rows)
	feat, err := f.Transform(x, func(done, _ int) { bar.Batch(1, done, x.Rows) })
	bar.Finish()
	if err != nil {
		return err
	}
	if err := dataset.WriteMatrix(out, feat); err != nil {
		return err
	}
	h.logf("wrote %d×%d features of %s to %s", feat.Rows, feat.Cols, data, out)
	if labelsOut != "" {
		if err := dataset.WriteNPYLabels(labelsOut, labels); err != nil {
			return err
		}
		h.logf("wrote %d labels to %s", len(labels), labelsOut)
	}
	return nil
}

// samePath reports whether a and b name the same file: the same cleaned absolute path, or
// (both existing) the same file through links.
func samePath(a, b string) bool {
	absA, errA := filepath.Abs(a)
	absB, errB := filepath.Abs(b)
	if errA == nil && errB == nil && absA == absB {
		return true
	}
	sa, errA := os.Stat(a)
	sb, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(sa, sb)
}
