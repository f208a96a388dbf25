package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/boltzmann-go/boltzmann/dataset"
)

// labeled is a classification data set split as the original's examples split it: train and
// validation rows from the training file after a seeded shuffle (the first nTrain and the last
// nVal), and the official test set, all scaled to [0, 1].
type labeled struct {
	train, val, test    *dataset.Matrix[float32]
	yTrain, yVal, yTest []int
}

// loadLabeled reads an MNIST folder (IDX files) or a CIFAR-10 folder (data_batch_*.bin) and
// splits its training images as dataset.Split does.
func loadLabeled(path string, nTrain, nVal int, seed uint64) (*labeled, error) {
	x, y, err := readLabeledSet(path, false)
	if err != nil {
		return nil, err
	}
	xt, yt, err := readLabeledSet(path, true)
	if err != nil {
		return nil, err
	}
	if nTrain <= 0 || nVal < 0 || nTrain+nVal > x.Rows {
		return nil, flagErr("n-train", "%d training + %d validation rows, but %s has %d training images", nTrain, nVal, path, x.Rows)
	}
	ti, vi, err := dataset.SplitIndices(x.Rows, nTrain, nVal, seed)
	if err != nil {
		return nil, err
	}
	return &labeled{train: x.Gather(ti), val: x.Gather(vi), test: xt, yTrain: pick(y, ti), yVal: pick(y, vi), yTest: yt}, nil
}

// standardize standardizes the training, validation and test rows in place with std (nothing
// for a nil std).
func (d *labeled) standardize(std *dataset.Standardizer) error {
	if std == nil {
		return nil
	}
	for _, x := range []*dataset.Matrix[float32]{d.train, d.val, d.test} {
		if x != nil && x.Rows > 0 {
			if err := dataset.Standardize(std, x); err != nil {
				return err
			}
		}
	}
	return nil
}

// pick returns y[idx[0]], y[idx[1]], ….
func pick[T any](y []T, idx []int) []T {
	out := make([]T, len(idx))
	for k, i := range idx {
		out[k] = y[i]
	}
	return out
}

// readSet reads the training or test images of an MNIST or CIFAR-10 folder with their labels,
// or the rows of a data file as bm train reads it (IDX, .npy, .npz, archive.npz:key, CSV; no
// labels).
func readSet(path string, test bool) (*dataset.Matrix[float32], []int, error) {
	_, _, npzKey := strings.Cut(path, ".npz:") // archive.npz:key, which is no file of that name
	if st, err := os.Stat(path); npzKey || err == nil && !st.IsDir() {
		if test {
			return nil, nil, flagErr("test", "%s is a file, not an MNIST or CIFAR-10 folder", path)
		}
		x, _, err := readData(path)
		return x, nil, err
	}
	return readLabeledSet(path, test)
}

// readLabeledSet reads the training or test images of an MNIST or CIFAR-10 folder, scaled to
// [0, 1], with their labels.
func readLabeledSet(path string, test bool) (*dataset.Matrix[float32], []int, error) {
	if st, err := os.Stat(path); err != nil || !st.IsDir() {
		if err == nil {
			err = fmt.Errorf("%s is not a folder of MNIST IDX or CIFAR-10 binary files", path)
		}
		if path == "data/mnist" || path == "data/mnist/" {
			err = fmt.Errorf("%w (run `make data` to fetch MNIST)", err)
		}
		return nil, nil, err
	}
	load := dataset.LoadMNIST
	if isCIFAR(path) {
		load = dataset.LoadCIFAR10
	}
	im, y, err := load(path, !test)
	if err != nil {
		return nil, nil, err
	}
	return dataset.ToMatrix[float32](im), ints8(y), nil
}

func ints8(v []uint8) []int {
	out := make([]int, len(v))
	for i, x := range v {
		out[i] = int(x)
	}
	return out
}

// valOrNil returns the validation rows, or nil when there are none.
func (d *labeled) valOrNil() *dataset.Matrix[float32] {
	if d.val == nil || d.val.Rows == 0 {
		return nil
	}
	return d.val
}

// isCIFAR reports whether the folder holds CIFAR-10 binary batches.
func isCIFAR(dir string) bool {
	m, _ := filepath.Glob(filepath.Join(dir, "data_batch_*.bin"))
	return len(m) > 0
}
