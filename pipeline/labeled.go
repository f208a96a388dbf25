package pipeline

import (
	"fmt"
	"os"

	"github.com/boltzmann-go/boltzmann/dataset"
)

// Labeled is a classification data set split as the original's examples split it: training
// and validation rows from the training file after a seeded shuffle (the first NTrain and the
// last NVal), and the official test set, all scaled to [0, 1].
type Labeled struct {
	Train, Val, Test    *dataset.Matrix[float32]
	YTrain, YVal, YTest []int
}

// DefaultSplitSeed seeds the train/validation shuffle of every program (bm's -split-seed).
const DefaultSplitSeed = 42

// LoadLabeled reads an MNIST folder (IDX files) or a CIFAR-10 folder (data_batch_*.bin), splits
// its training images as dataset.SplitIndices does (nTrain training rows, nVal validation rows,
// shuffled with seed) and reads its test set. A split that does not fit is a *FieldError on
// "NTrain".
func LoadLabeled(path string, nTrain, nVal int, seed uint64) (*Labeled, error) {
	return loadLabeled(path, nTrain, nVal, seed, false)
}

// LoadLabeledStratified is LoadLabeled with the training and validation rows drawn so that
// every class keeps its share of them, within one row (dataset.StratifiedSplitIndices).
func LoadLabeledStratified(path string, nTrain, nVal int, seed uint64) (*Labeled, error) {
	return loadLabeled(path, nTrain, nVal, seed, true)
}

func loadLabeled(path string, nTrain, nVal int, seed uint64, stratify bool) (*Labeled, error) {
	x, y, err := ReadLabeledSet(path, false)
	if err != nil {
		return nil, err
	}
	xt, yt, err := ReadLabeledSet(path, true)
	if err != nil {
		return nil, err
	}
	if nTrain <= 0 || nVal < 0 || nTrain+nVal > x.Rows {
		return nil, fieldErr("NTrain", "%d training + %d validation rows, but %s has %d training images", nTrain, nVal, path, x.Rows)
	}
	ti, vi, err := dataset.SplitIndices(x.Rows, nTrain, nVal, seed)
	if stratify {
		ti, vi, err = dataset.StratifiedSplitIndices(y, nTrain, nVal, seed)
	}
	if err != nil {
		return nil, err
	}
	return &Labeled{Train: x.Gather(ti), Val: x.Gather(vi), Test: xt, YTrain: Pick(y, ti), YVal: Pick(y, vi), YTest: yt}, nil
}

// Standardize standardizes the training, validation and test rows in place with std (nothing
// for a nil std).
func (d *Labeled) Standardize(std *dataset.Standardizer) error {
	if std == nil {
		return nil
	}
	for _, x := range []*dataset.Matrix[float32]{d.Train, d.Val, d.Test} {
		if x != nil && x.Rows > 0 {
			if err := dataset.Standardize(std, x); err != nil {
				return err
			}
		}
	}
	return nil
}

// ValOrNil returns the validation rows, or nil when there are none.
func (d *Labeled) ValOrNil() *dataset.Matrix[float32] {
	if d.Val == nil || d.Val.Rows == 0 {
		return nil
	}
	return d.Val
}

// Pick returns y[idx[0]], y[idx[1]], ….
func Pick[T any](y []T, idx []int) []T {
	out := make([]T, len(idx))
	for k, i := range idx {
		out[k] = y[i]
	}
	return out
}

// ReadLabeledSet reads the training or test images of an MNIST or CIFAR-10 folder, scaled to
// [0, 1], with their labels.
func ReadLabeledSet(path string, test bool) (*dataset.Matrix[float32], []int, error) {
	if st, err := os.Stat(path); err != nil || !st.IsDir() {
		if err == nil {
			err = fmt.Errorf("%s is not a folder of MNIST IDX or CIFAR-10 binary files", path)
		}
		if path == "data/mnist" || path == "data/mnist/" {
			err = fmt.Errorf("%w (run `make data` to fetch MNIST)", err)
		}
		return nil, nil, err
	}
	src, err := dataset.Open(path)
	if err != nil {
		return nil, nil, err
	}
	set, err := src.Read(test)
	if err != nil {
		return nil, nil, err
	}
	return set.X, set.Labels, nil
}

// ReadSet reads the rows of path with their labels: the training (test: the test) images of an
// MNIST or CIFAR-10 folder (ReadLabeledSet), or the rows of a data file (ReadData), which have
// no labels and no test set (test: a *FieldError on "Test").
func ReadSet(path string, test bool, h Hooks) (*dataset.Matrix[float32], []int, error) {
	src, err := dataset.Open(path)
	if err == nil && src.Labeled() || os.IsNotExist(err) {
		return ReadLabeledSet(path, test)
	}
	if err == nil && test {
		return nil, nil, fieldErr("Test", "%s is a file, not an MNIST or CIFAR-10 folder", path)
	}
	x, _, err := ReadData(path, h)
	return x, nil, err
}

// Ints returns a copy of labels of any Label type as ints. The dataset readers return []int
// already; Ints remains for callers holding narrower labels.
func Ints[L dataset.Label](v []L) []int {
	out := make([]int, len(v))
	for i, x := range v {
		out[i] = int(x)
	}
	return out
}

// IsCIFAR reports whether the folder holds CIFAR-10 binary batches.
func IsCIFAR(dir string) bool { return dataset.IsCIFAR10Dir(dir) }
