package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/boltzmann-go/boltzmann/pipeline"
)

// dataFlags select and prepare the training data.
type dataFlags struct {
	path        string
	nTrain      int
	nVal        int
	splitSeed   uint64
	stratify    bool
	binarize    string
	standardize bool
	imageShape  string
	// pixels keeps image data (MNIST, CIFAR-10, IDX) that is neither binarized nor
	// standardized as 8-bit pixels (loaded.pixels) instead of float32: a command that streams
	// its training set sets it. The values models read are the same.
	pixels bool
}

func (d *dataFlags) register(fs interface {
	StringVar(*string, string, string, string)
	IntVar(*int, string, int, string)
	Uint64Var(*uint64, string, uint64, string)
	BoolVar(*bool, string, bool, string)
}) {
	fs.StringVar(&d.path, "data", "data/mnist", "training data: an MNIST folder (IDX files), a CIFAR-10 folder (data_batch_*.bin), an IDX images file, a .npy matrix (any numeric or bool dtype, C or Fortran order), a .npz archive (archive.npz:key for one of several arrays) or a numeric .csv (a header line is skipped)")
	// The defaults are the original rbm_mnist.py's, unless the command set its own before.
	nTrain, nVal := d.nTrain, d.nVal
	if nTrain == 0 {
		nTrain, nVal = 55000, 5000
	}
	fs.IntVar(&d.nTrain, "n-train", nTrain, "number of training rows (taken after a seeded shuffle, as the original)")
	fs.IntVar(&d.nVal, "n-val", nVal, "number of validation rows (the last rows after the shuffle); 0 for none")
	fs.Uint64Var(&d.splitSeed, "split-seed", defaultSplitSeed, "seed of the train/validation shuffle")
	fs.BoolVar(&d.stratify, "stratify", false, "draw the train/validation split so that every class keeps its share (needs an MNIST or CIFAR-10 folder); false: the original's shuffle")
	fs.StringVar(&d.binarize, "binarize", "none", "binarize the data: none, threshold (> 0.5) or stochastic")
	fs.BoolVar(&d.standardize, "standardize", false, "standardize each feature with the training mean and std (for gaussian visible units)")
	fs.StringVar(&d.imageShape, "image-shape", "", "height,width,channels of one row seen as an image (default: from the data set; none for .npy)")
}

// defaultSplitSeed seeds the train/validation shuffle of every program (-split-seed).
const defaultSplitSeed = pipeline.DefaultSplitSeed

// load reads and prepares the data the flags select.
func (d *dataFlags) load() (*pipeline.Data, error) {
	s := pipeline.DataSettings{Path: d.path, NTrain: d.nTrain, NVal: d.nVal, SplitSeed: d.splitSeed, Stratify: d.stratify, Binarize: d.binarize,
		Standardize: d.standardize, Pixels: d.pixels}
	if d.imageShape != "" {
		var err error
		if s.ImageShape, err = parseShape(d.imageShape); err != nil {
			return nil, flagErr("image-shape", "%v", err)
		}
	}
	return pipeline.LoadData(s, logHooks())
}

func parseShape(s string) ([]int, error) {
	parts := strings.Split(s, ",")
	if len(parts) == 2 {
		parts = append(parts, "1")
	}
	if len(parts) != 3 {
		return nil, fmt.Errorf("%q: want height,width[,channels]", s)
	}
	out := make([]int, 3)
	for i, p := range parts {
		v, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil || v <= 0 {
			return nil, fmt.Errorf("%q: %q is not a positive integer", s, p)
		}
		out[i] = v
	}
	if out[2] != 1 && out[2] != 3 {
		return nil, fmt.Errorf("%q: want 1 or 3 channels", s)
	}
	return out, nil
}
