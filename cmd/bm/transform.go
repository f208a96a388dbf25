package main

import (
	"log"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/pipeline"
)

func cmdTransform(args []string) int {
	fs := newFlagSet("transform", "bm transform -model DIR -data PATH -out FILE [flags]")
	model := fs.String("model", "runs/rbm_mnist/model", "model folder (or run folder holding model/) written by bm train, bm dbm or bm rbm-mnist/dbm-mnist")
	data := fs.String("data", "data/mnist", "data: an MNIST or CIFAR-10 folder, an IDX images file, a .npy matrix, a .npz archive (archive.npz:key for one of several arrays) or a numeric .csv, as bm train reads them")
	test := fs.Bool("test", false, "transform the test set of an MNIST or CIFAR-10 folder (default: its training set)")
	layer := fs.String("layer", "top", "DBM: hidden layer whose mean-field posterior to write (1, 2, …), top, or all (concatenated); a multinomial layer's as expected counts, draws × probabilities, as the original's DBM transform (an exported DBM's features signature gives the top layer's probabilities)")
	out := fs.String("out", "features.npy", "output file: .npy (float32) or .csv")
	labelsOut := fs.String("labels-out", "", "also write the labels of an MNIST or CIFAR-10 folder to this .npy file")
	quiet := fs.Bool("quiet", false, "no progress bar")
	var dev device
	dev.register(fs, "nothing is split")
	raw := fs.Bool("raw-input", true, "when the model was trained on standardized data ("+standardizerFile+" beside its model folder), standardize the data the same way first (false: the data are standardized already)")
	return command("transform", fs, args, func() error {
		if err := dev.check(); err != nil {
			return err
		}
		return transform(*model, *data, *layer, *out, *labelsOut, *test, *quiet, *raw, &dev)
	})
}

func transform(model, data, layer, out, labelsOut string, test, quiet, raw bool, dev *device) error {
	if ext := strings.ToLower(filepath.Ext(out)); ext != ".npy" && ext != ".csv" {
		return flagErr("out", "%q: want a .npy or .csv file name", out)
	}
	if labelsOut != "" && samePath(out, labelsOut) {
		return flagErr("labels-out", "%s is also -out: the labels would overwrite the features", labelsOut)
	}
	if n, err := strconv.Atoi(layer); layer != "top" && layer != "all" && (err != nil || n < 1) {
		return flagErr("layer", "%q, want top, all or a hidden layer number ≥ 1", layer)
	}
	x, labels, err := pipeline.ReadSet(data, test, logHooks())
	if err != nil {
		return err
	}
	if labelsOut != "" && labels == nil {
		return flagErr("labels-out", "%s has no labels (only MNIST and CIFAR-10 folders do)", data)
	}
	// The featurizer standardizes the rows with the model's standardizer.json (the one place
	// that does, so that the data are standardized exactly once); -raw-input=false says they
	// are standardized already.
	fs, err := dev.features(layer)
	if err != nil {
		return err
	}
	fs.Standardized = !raw
	f, err := fs.Open(model, logHooks())
	if err != nil {
		return err
	}
	defer f.Close()
	bar := newProgress(quiet, 0, 1, x.Rows)
	h, err := f.Transform(x, func(done, _ int) { bar.Batch(1, done, x.Rows) })
	bar.Finish()
	if err != nil {
		return err
	}
	if err := dataset.WriteMatrix(out, h); err != nil {
		return err
	}
	log.Printf("wrote %d×%d features of %s to %s", h.Rows, h.Cols, data, out)
	if labelsOut != "" {
		if err := dataset.WriteNPYLabels(labelsOut, labels); err != nil {
			return err
		}
		log.Printf("wrote %d labels to %s", len(labels), labelsOut)
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
