package pipeline

import (
	"errors"
	"os"
	"path/filepath"

	"github.com/boltzmann-go/boltzmann/dataset"
)

// SmoothKeep is the number of singular values smoothing keeps: the original drops the last
// 1000 of CIFAR-10's 3072 (spec §6.3 step 2).
const SmoothKeep = 3072 - 1000

// smoothCache smooths and standardizes CIFAR-10 as dbm_cifar_naive.py does, with its caches in
// dir: X_s.npy (the smoothed training rows, reused when it has as many rows), X_s_mean.npy and
// X_s_std.npy (the smoothed training set's per-feature statistics).
type smoothCache struct {
	dir string
	std *dataset.Standardizer
}

// smooth returns the smoothed training rows, from the cache when it fits.
func (p *smoothCache) smooth(x *dataset.Matrix[float32], h Hooks) (*dataset.Matrix[float32], error) {
	path := filepath.Join(p.dir, "X_s.npy")
	if c, err := dataset.ReadNPY[float32](path); err == nil && c.Rows == x.Rows && c.Cols == x.Cols {
		h.logf("smoothed training set: reusing %s", path)
		return c, nil
	} else if err == nil {
		h.logf("smoothed training set: %s has %d×%d rows, the training set %d×%d: smoothing again", path, c.Rows, c.Cols, x.Rows, x.Cols)
	} else if !errors.Is(err, os.ErrNotExist) {
		h.logf("smoothed training set: %s unreadable (%v): smoothing again", path, err)
	}
	k := min(x.Rows, x.Cols)
	h.logf("smoothing %d training rows: SVD, keeping the %d largest of %d singular values", x.Rows, min(k, SmoothKeep), k)
	s, err := dataset.Smooth(dataset.Convert[float64](x), max(0, k-SmoothKeep))
	if err != nil {
		return nil, err
	}
	out := dataset.Convert[float32](s)
	if err := dataset.WriteNPY(path, out); err != nil {
		return nil, err
	}
	// New smoothed data: the statistics computed from the old ones are stale.
	for _, stale := range []string{"X_s_mean.npy", "X_s_std.npy"} {
		os.Remove(filepath.Join(p.dir, stale))
	}
	return out, nil
}

// standardize standardizes xs with the smoothed training set's statistics (xs[0] is that set
// when the statistics are not cached yet); nil matrices are skipped.
func (p *smoothCache) standardize(xs ...*dataset.Matrix[float32]) error {
	if p.std == nil {
		mean, err1 := dataset.ReadNPY[float64](filepath.Join(p.dir, "X_s_mean.npy"))
		std, err2 := dataset.ReadNPY[float64](filepath.Join(p.dir, "X_s_std.npy"))
		if err1 == nil && err2 == nil && mean.Cols == xs[0].Cols && std.Cols == xs[0].Cols {
			p.std = &dataset.Standardizer{Mean: mean.Data, Std: std.Data}
		} else {
			p.std = dataset.FitStandardizer(xs[0])
			if err := writeStandardizer(p.std, filepath.Join(p.dir, "X_s_mean.npy"), filepath.Join(p.dir, "X_s_std.npy")); err != nil {
				return err
			}
		}
	}
	for _, x := range xs {
		if x == nil {
			continue
		}
		if err := dataset.Standardize(p.std, x); err != nil {
			return err
		}
	}
	return nil
}
