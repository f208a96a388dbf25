package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"reflect"
	"strings"

	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/internal/atomicfile"
	"github.com/boltzmann-go/boltzmann/pipeline"
	"github.com/boltzmann-go/boltzmann/rbm"
)

// augmentSeed is the seed of the original's augmentation shuffle (RNG(1337), spec §6.4 step 1).
const augmentSeed = 1337

// cifarSets are the CIFAR-10 rows of dbm_cifar.py: the training rows (augmented unless
// --no-aug), the validation rows and the test set, all in [0, 1] and then standardized with
// the training rows' per-pixel statistics.
//
// The training rows lie outside Go's heap (dataset.AnonymousMatrix): call free when done with
// them.
type cifarSets struct {
	*pipeline.Labeled
	std  *dataset.Standardizer
	free func() error
}

// cacheStamp is what a cache file was made from, written beside it as <file>.json: a cache is
// reused only when its stamp equals the one the run would write.
type cacheStamp map[string]any

// stampPath is the stamp file of cache file path.
func stampPath(path string) string { return path + ".json" }

// matches reports whether path and its stamp exist and the stamp equals s; why says otherwise.
func (s cacheStamp) matches(path string) (ok bool, why string) {
	if _, err := os.Stat(path); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return false, "not there"
		}
		return false, err.Error()
	}
	b, err := os.ReadFile(stampPath(path))
	if err != nil {
		return false, fmt.Sprintf("no readable %s", filepath.Base(stampPath(path)))
	}
	var old map[string]any
	if err := json.Unmarshal(b, &old); err != nil {
		return false, fmt.Sprintf("%s: %v", filepath.Base(stampPath(path)), err)
	}
	want := map[string]any{}
	nb, _ := json.Marshal(s) // through JSON, so numbers compare as float64 on both sides
	json.Unmarshal(nb, &want)
	if !reflect.DeepEqual(old, want) {
		return false, fmt.Sprintf("made from %s, this run needs %s", b, nb)
	}
	return true, ""
}

// write writes the stamp of path (after path itself, so a stamp never vouches for a file that
// is not complete).
func (s cacheStamp) write(path string) error {
	b, _ := json.Marshal(s)
	return atomicfile.WriteFile(stampPath(path), b)
}

// loadCIFARSets reads CIFAR-10 from dir (cifar-10-batches-bin), splits its training images as
// the other programs (nTrain training, nVal validation rows), augments the training images
// unless noAug (cached as <cache>/X_aug.npy, uint8, with y_aug.npy), scales to [0, 1] and
// standardizes with the training rows' statistics (cached as X_aug_mean.npy and X_aug_std.npy,
// or X_mean.npy and X_std.npy without augmentation).
func loadCIFARSets(dir, cache string, nTrain, nVal int, noAug bool) (*cifarSets, error) {
	im, labels, err := dataset.LoadCIFAR10(dir, true)
	if err != nil {
		return nil, err
	}
	if nTrain+nVal > im.N {
		return nil, flagErr("n-train", "%d training + %d validation rows, but %s has %d training images", nTrain, nVal, dir, im.N)
	}
	ti, vi, err := dataset.SplitIndices(im.N, nTrain, nVal, defaultSplitSeed)
	if err != nil {
		return nil, err
	}
	test, testLabels, err := dataset.LoadCIFAR10(dir, false)
	if err != nil {
		return nil, err
	}
	s := &cifarSets{Labeled: &pipeline.Labeled{Val: dataset.ToMatrix[float32](im.Gather(vi)), YVal: pipeline.Ints(pipeline.Pick(labels, vi)),
		Test: dataset.ToMatrix[float32](test), YTest: pipeline.Ints(testLabels)}}
	train, trainLabels := im.Gather(ti), pipeline.Pick(labels, ti)
	prefix := "X"
	if !noAug {
		prefix = "X_aug"
		if train, trainLabels, err = augmented(train, trainLabels, cache, cacheStamp{"source": fingerprint(dir), "n_train": nTrain, "n_val": nVal,
			"split_seed": defaultSplitSeed, "augment_seed": augmentSeed, "shifts": "4 one-pixel shifts and mirrors"}); err != nil {
			return nil, err
		}
	}
	// The training rows live for the whole program: outside Go's heap, they cost their size once
	// instead of twice (the garbage collector lets the heap grow to twice what is live).
	if s.Train, s.free, err = dataset.AnonymousMatrix[float32](train.N, train.Dim()); err != nil {
		return nil, err
	}
	if err := dataset.ToMatrixIn(s.Train, train); err != nil {
		s.free()
		return nil, err
	}
	s.YTrain = pipeline.Ints(trainLabels)
	if s.std, err = cachedStandardizer(s.Train, filepath.Join(cache, prefix+"_mean.npy"), filepath.Join(cache, prefix+"_std.npy"),
		cacheStamp{"source": fingerprint(dir), "rows": s.Train.Rows, "n_train": nTrain, "n_val": nVal, "augmented": !noAug}); err != nil {
		s.free()
		return nil, err
	}
	for _, x := range []*dataset.Matrix[float32]{s.Train, s.Val, s.Test} {
		if x.Rows > 0 {
			if err := dataset.Standardize(s.std, x); err != nil {
				s.free()
				return nil, err
			}
		}
	}
	return s, nil
}

// augmented returns the augmented training images (dataset.Augment: the originals, 4 one-pixel
// shifts, and the mirrors of all five, shuffled) from <cache>/X_aug.npy and y_aug.npy when
// their stamp matches, or makes and caches them.
func augmented(im *dataset.Images, labels []uint8, cache string, stamp cacheStamp) (*dataset.Images, []uint8, error) {
	xPath, yPath := filepath.Join(cache, "X_aug.npy"), filepath.Join(cache, "y_aug.npy")
	opt := dataset.AugmentOptions{Seed: augmentSeed}
	ok, why := stamp.matches(xPath)
	if ok {
		rows, cols, pix, err1 := dataset.ReadNPYBytes(xPath)
		y, err2 := dataset.ReadNPYLabels(yPath)
		want := dataset.AugmentFactor(opt) * im.N
		if err1 == nil && err2 == nil && rows == want && cols == im.Dim() && len(y) == want {
			log.Printf("augmented training set: reusing %s (%d images)", xPath, rows)
			yb := make([]uint8, len(y))
			for i, v := range y {
				yb[i] = uint8(v)
			}
			return &dataset.Images{N: rows, Height: im.Height, Width: im.Width, Channels: im.Channels, Pix: pix}, yb, nil
		}
		why = fmt.Sprintf("unreadable or of the wrong size (%v, %v)", err1, err2)
	}
	log.Printf("augmenting %d training images ×%d (%s: %s)", im.N, dataset.AugmentFactor(opt), xPath, why)
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
	if err := dataset.WriteNPYLabels(yPath, pipeline.Ints(outLabels)); err != nil {
		return nil, nil, err
	}
	return out, outLabels, stamp.write(xPath)
}

// cachedStandardizer returns the per-feature mean and std of x from meanPath and stdPath when
// their stamp matches, or computes and caches them.
func cachedStandardizer(x *dataset.Matrix[float32], meanPath, stdPath string, stamp cacheStamp) (*dataset.Standardizer, error) {
	if ok, _ := stamp.matches(meanPath); ok {
		mean, err1 := dataset.ReadNPY[float64](meanPath)
		std, err2 := dataset.ReadNPY[float64](stdPath)
		if err1 == nil && err2 == nil && mean.Cols*mean.Rows == x.Cols && std.Cols*std.Rows == x.Cols {
			log.Printf("standardization: reusing %s and %s", meanPath, stdPath)
			return &dataset.Standardizer{Mean: mean.Data, Std: std.Data}, nil
		}
	}
	s := dataset.FitStandardizer(x)
	for path, v := range map[string][]float64{meanPath: s.Mean, stdPath: s.Std} {
		if err := dataset.WriteNPY(path, &dataset.Matrix[float64]{Rows: 1, Cols: len(v), Data: v}); err != nil {
			return nil, err
		}
	}
	return s, stamp.write(meanPath)
}

// fingerprint names the files of a folder by size and modification time, so that a cache made
// from other files (a dataset replaced in place) does not pass for this one's.
func fingerprint(dir string) string {
	entries, _ := os.ReadDir(dir)
	var parts []string
	for _, e := range entries {
		if info, err := e.Info(); err == nil && info.Mode().IsRegular() {
			parts = append(parts, fmt.Sprintf("%s:%d:%d", e.Name(), info.Size(), info.ModTime().Unix()))
		}
	}
	return strings.Join(parts, ",")
}

// featureCache holds a model's features of the CIFAR-10 sets as files in dir (the original's
// Q_train_cifar.npy, Q_val_cifar.npy), each stamped with the checkpoint of the model that made
// them, so that a retrained model's features are made again.
type featureCache struct {
	dir, model string // cache folder and the model folder of the features' model
	quiet      bool
}

func (c *featureCache) stamp(rows, cols int, precision string) (cacheStamp, error) {
	head, err := pipeline.ReadHead(c.model)
	if err != nil {
		return nil, err
	}
	abs, _ := filepath.Abs(c.model)
	return cacheStamp{"model": abs, "checkpoint": head.Checkpoint, "rows": rows, "cols": cols, "precision": precision}, nil
}

// halfFeatureChunk is the number of rows whose features featureCache.half holds at once, in
// float64 before they are written in half precision: 1,000 rows are 62 MB at 7,800 features
// (pipeline.FeatureChunk's 5,000, with the copies Rowwise makes while it appends, held about
// 1 GB). It is a multiple of the RBM's evaluation batch (1,000 rows), so the session runs
// see the same rows and the features are the same bit for bit.
const halfFeatureChunk = 1000

// half returns r's features of every row of x in half precision, mapped from the file name in
// the cache folder (see dataset.MapNPYHalf; call the returned close when done), after making
// the file chunk by chunk unless its stamp matches.
func (c *featureCache) half(name string, r *rbm.RBM, x *dataset.Matrix[float32]) (*dataset.HalfMatrix, func() error, error) {
	path := filepath.Join(c.dir, name)
	nh := r.Config().NumHidden
	stamp, err := c.stamp(x.Rows, nh, "float16")
	if err != nil {
		return nil, nil, err
	}
	if ok, why := stamp.matches(path); ok {
		log.Printf("features: reusing %s", path)
	} else {
		log.Printf("features: writing %s, %d×%d in half precision (%s)", path, x.Rows, nh, why)
		bar := newUnitProgress(c.quiet, 0, 1, x.Rows, "row", "features")
		err := dataset.WriteNPYHalf(path, x.Rows, nh, func(write func(*dataset.Matrix[float64]) error) error {
			for i := 0; i < x.Rows; i += halfFeatureChunk {
				end := min(i+halfFeatureChunk, x.Rows)
				q, err := r.Transform(x.SliceRows(i, end))
				if err != nil {
					return err
				}
				if err := write(q); err != nil {
					return err
				}
				bar.Batch(1, end, x.Rows)
			}
			return nil
		})
		bar.Finish()
		if err != nil {
			return nil, nil, err
		}
		if err := stamp.write(path); err != nil {
			return nil, nil, err
		}
	}
	return dataset.MapNPYHalf(path)
}

// float returns r's features of the rows of x (nil for none) in float32, from the file name in
// the cache folder when its stamp matches, else computed and written there.
func (c *featureCache) float(name string, r *rbm.RBM, x *dataset.Matrix[float32]) (*dataset.Matrix[float32], error) {
	if x == nil || x.Rows == 0 {
		return nil, nil
	}
	path := filepath.Join(c.dir, name)
	stamp, err := c.stamp(x.Rows, r.Config().NumHidden, "float32")
	if err != nil {
		return nil, err
	}
	if ok, _ := stamp.matches(path); ok {
		if q, err := dataset.ReadNPY[float32](path); err == nil {
			log.Printf("features: reusing %s", path)
			return q, nil
		}
	}
	q, err := r.Transform(x)
	if err != nil {
		return nil, err
	}
	q32 := dataset.Convert[float32](q)
	if err := dataset.WriteNPY(path, q32); err != nil {
		return nil, err
	}
	return q32, stamp.write(path)
}
