package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/boltzmann-go/boltzmann/dataset"
)

// labeled is a classification data set split as the original's examples split it: train and
// validation rows from the training file after a seeded shuffle (the first nTrain and the last
// nVal), and the official test set, all scaled to [0, 1].
type labeled struct {
	train, val, test    *dataset.Matrix[float32]
	yTrain, yVal, yTest []int
	shape               []int // image shape [h, w, c]
}

// loadLabeled reads an MNIST folder (IDX files) or a CIFAR-10 folder (data_batch_*.bin).
func loadLabeled(path string, nTrain, nVal int, seed uint64) (*labeled, error) {
	load := dataset.LoadMNIST
	if isCIFAR(path) {
		load = dataset.LoadCIFAR10
	}
	if st, err := os.Stat(path); err != nil || !st.IsDir() {
		if err == nil {
			err = fmt.Errorf("%s is not a folder of MNIST IDX or CIFAR-10 binary files", path)
		}
		if path == "data/mnist" || path == "data/mnist/" {
			err = fmt.Errorf("%w (run `make data` to fetch MNIST)", err)
		}
		return nil, err
	}
	im, y, err := load(path, true)
	if err != nil {
		return nil, err
	}
	tim, ty, err := load(path, false)
	if err != nil {
		return nil, err
	}
	if nTrain <= 0 || nVal < 0 || nTrain+nVal > im.N {
		return nil, flagErr("n-train", "%d training + %d validation rows, but %s has %d training images", nTrain, nVal, path, im.N)
	}
	x := dataset.ToMatrix[float32](im)
	train, val, yt, yv, err := dataset.Split(x, y, nTrain, nVal, seed)
	if err != nil {
		return nil, err
	}
	return &labeled{train: train, val: val, test: dataset.ToMatrix[float32](tim),
		yTrain: ints8(yt), yVal: ints8(yv), yTest: ints8(ty), shape: []int{im.Height, im.Width, im.Channels}}, nil
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
