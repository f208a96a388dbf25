package pipeline

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/boltzmann-go/boltzmann/dataset"
)

// AugmentSeed is the seed of the original's augmentation shuffle (RNG(1337), spec §6.4 step 1).
const AugmentSeed = 1337

// CIFARSets are the CIFAR-10 rows of dbm_cifar.py: the training rows (augmented unless asked
// not to), the validation rows and the test set, all in [0, 1] and then standardized with the
// training rows' per-pixel statistics Std.
//
// The training rows lie outside Go's heap (dataset.AnonymousMatrix), where they cost their size
// once instead of twice (the garbage collector lets the heap grow to twice what is live): call
// Close when done with them, after closing whatever still reads them.
type CIFARSets struct {
	*Labeled
	Std  *dataset.Standardizer
	free func() error
}

// Close releases the training rows (s.Train is unusable afterwards); it may be called more
// than once.
func (s *CIFARSets) Close() error {
	if s.free == nil {
		return nil
	}
	free := s.free
	s.free, s.Train = nil, nil
	return free()
}

// LoadCIFARSets reads CIFAR-10 from dir (cifar-10-batches-bin), splits its training images as
// the other programs (nTrain training, nVal validation rows), augments the training images
// unless noAug (cached as <cache>/X_aug.npy, uint8, with y_aug.npy), scales to [0, 1] and
// standardizes with the training rows' statistics (cached as X_aug_mean.npy and X_aug_std.npy,
// or X_mean.npy and X_std.npy without augmentation). Every cache carries a stamp of what it was
// made from and is made again when the stamp differs. A split that does not fit is a
// *FieldError on "NTrain".
func LoadCIFARSets(dir, cache string, nTrain, nVal int, noAug bool, h Hooks) (*CIFARSets, error) {
	im, labels, err := dataset.LoadCIFAR10(dir, true)
	if err != nil {
		return nil, err
	}
	if nTrain+nVal > im.N {
		return nil, fieldErr("NTrain", "%d training + %d validation rows, but %s has %d training images", nTrain, nVal, dir, im.N)
	}
	ti, vi, err := dataset.SplitIndices(im.N, nTrain, nVal, DefaultSplitSeed)
	if err != nil {
		return nil, err
	}
	test, testLabels, err := dataset.LoadCIFAR10(dir, false)
	if err != nil {
		return nil, err
	}
	s := &CIFARSets{Labeled: &Labeled{Val: dataset.ToMatrix[float32](im.Gather(vi)), YVal: Pick(labels, vi),
		Test: dataset.ToMatrix[float32](test), YTest: testLabels}}
	train, trainLabels := im.Gather(ti), Pick(labels, ti)
	prefix := "X"
	if !noAug {
		prefix = "X_aug"
		if train, trainLabels, err = augmented(train, trainLabels, cache, cacheStamp{"source": fingerprint(dir), "n_train": nTrain, "n_val": nVal,
			"split_seed": DefaultSplitSeed, "augment_seed": AugmentSeed, "shifts": "4 one-pixel shifts and mirrors"}, h); err != nil {
			return nil, err
		}
	}
	if s.Train, s.free, err = dataset.AnonymousMatrix[float32](train.N, train.Dim()); err != nil {
		return nil, err
	}
	s.YTrain = trainLabels
	if err := dataset.ToMatrixIn(s.Train, train); err != nil {
		s.Close()
		return nil, err
	}
	if s.Std, err = cachedStandardizer(s.Train, filepath.Join(cache, prefix+"_mean.npy"), filepath.Join(cache, prefix+"_std.npy"),
		cacheStamp{"source": fingerprint(dir), "rows": s.Train.Rows, "n_train": nTrain, "n_val": nVal, "augmented": !noAug}, h); err != nil {
		s.Close()
		return nil, err
	}
	if err := s.Labeled.Standardize(s.Std); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// augmented returns the augmented training images (dataset.Augment: the originals, 4 one-pixel
// shifts, and the mirrors of all five, shuffled) from <cache>/X_aug.npy and y_aug.npy when
// their stamp matches, or makes and caches them.
func augmented(im *dataset.Images, labels []int, cache string, stamp cacheStamp, h Hooks) (*dataset.Images, []int, error) {
	xPath, yPath := filepath.Join(cache, "X_aug.npy"), filepath.Join(cache, "y_aug.npy")
	opt := dataset.AugmentOptions{Seed: AugmentSeed}
	ok, why := stamp.matches(xPath)
	if ok {
		rows, cols, pix, err1 := dataset.ReadNPYBytes(xPath)
		y, err2 := dataset.ReadNPYLabels(yPath)
		want := dataset.AugmentFactor(opt) * im.N
		if err1 == nil && err2 == nil && rows == want && cols == im.Dim() && len(y) == want {
			h.logf("augmented training set: reusing %s (%d images)", xPath, rows)
			return &dataset.Images{N: rows, Height: im.Height, Width: im.Width, Channels: im.Channels, Pix: pix}, y, nil
		}
		why = fmt.Sprintf("unreadable or of the wrong size (%v, %v)", err1, err2)
	}
	h.logf("augmenting %d training images ×%d (%s: %s)", im.N, dataset.AugmentFactor(opt), xPath, why)
	out, outLabels, err := dataset.Augment(im, labels, opt)
	if err != nil {
		return nil, nil, err
	}
	if err := os.MkdirAll(cache, 0o755); err != nil {
		return nil, nil, err
	}
	if err := dataset.WriteNPYBytes(xPath, out.N, out.Dim(), out.Pix); err != nil {
		return nil, nil, err
	}
	if err := dataset.WriteNPYLabels(yPath, outLabels); err != nil {
		return nil, nil, err
	}
	return out, outLabels, stamp.write(xPath)
}

// cachedStandardizer returns the per-feature mean and std of x from meanPath and stdPath when
// their stamp matches, or computes and caches them.
func cachedStandardizer(x *dataset.Matrix[float32], meanPath, stdPath string, stamp cacheStamp, h Hooks) (*dataset.Standardizer, error) {
	if ok, _ := stamp.matches(meanPath); ok {
		mean, err1 := dataset.ReadNPY[float64](meanPath)
		std, err2 := dataset.ReadNPY[float64](stdPath)
		if err1 == nil && err2 == nil && mean.Cols*mean.Rows == x.Cols && std.Cols*std.Rows == x.Cols {
			h.logf("standardization: reusing %s and %s", meanPath, stdPath)
			return &dataset.Standardizer{Mean: mean.Data, Std: std.Data}, nil
		}
	}
	s := dataset.FitStandardizer(x)
	if err := writeStandardizer(s, meanPath, stdPath); err != nil {
		return nil, err
	}
	return s, stamp.write(meanPath)
}

// writeStandardizer writes the mean and std of s as 1×n .npy files.
func writeStandardizer(s *dataset.Standardizer, meanPath, stdPath string) error {
	for path, v := range map[string][]float64{meanPath: s.Mean, stdPath: s.Std} {
		if err := dataset.WriteNPY(path, &dataset.Matrix[float64]{Rows: 1, Cols: len(v), Data: v}); err != nil {
			return err
		}
	}
	return nil
}
