package pipeline

import (
	"path/filepath"

	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/rbm"
)

// FeatureCache holds an RBM's features of data sets as .npy files in Dir (the original's
// Q_train_cifar.npy, Q_val_cifar.npy), each stamped with the checkpoint of the model that made
// them, so that a retrained model's features are made again.
type FeatureCache struct {
	// Dir is the cache folder.
	Dir string
	// Model is the model folder of the features' RBM.
	Model string
}

func (c *FeatureCache) stamp(rows, cols int, precision string) (cacheStamp, error) {
	head, err := ReadHead(c.Model)
	if err != nil {
		return nil, err
	}
	abs, _ := filepath.Abs(c.Model)
	return cacheStamp{"model": abs, "checkpoint": head.Checkpoint, "rows": rows, "cols": cols, "precision": precision}, nil
}

// halfFeatureChunk is the number of rows whose features FeatureCache.Half holds at once, in
// float64 before they are written in half precision: 1,000 rows are 62 MB at 7,800 features
// (FeatureChunk's 5,000, with the copies Rowwise makes while it appends, held about 1 GB). It is
// a multiple of the RBM's evaluation batch (1,000 rows), so the session runs see the same rows
// and the features are the same bit for bit.
const halfFeatureChunk = 1000

// Half returns r's features of every row of x in half precision, mapped from the file name in
// the cache folder (see dataset.MapNPYHalf; call the returned close when done), after making
// the file chunk by chunk unless its stamp matches.
func (c *FeatureCache) Half(name string, r *rbm.RBM, x *dataset.Matrix[float32], h Hooks) (*dataset.HalfMatrix, func() error, error) {
	path := filepath.Join(c.Dir, name)
	nh := r.Config().NumHidden
	stamp, err := c.stamp(x.Rows, nh, "float16")
	if err != nil {
		return nil, nil, err
	}
	if ok, why := stamp.matches(path); ok {
		h.logf("features: reusing %s", path)
	} else {
		h.logf("features: writing %s, %d×%d in half precision (%s)", path, x.Rows, nh, why)
		bar := h.start(Run{Epochs: 1, PerEpoch: x.Rows, Unit: "row", Desc: "features"})
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

// Float returns r's features of the rows of x (nil for none) in float32, from the file name in
// the cache folder when its stamp matches, else computed and written there.
func (c *FeatureCache) Float(name string, r *rbm.RBM, x *dataset.Matrix[float32], h Hooks) (*dataset.Matrix[float32], error) {
	if x == nil || x.Rows == 0 {
		return nil, nil
	}
	path := filepath.Join(c.Dir, name)
	stamp, err := c.stamp(x.Rows, r.Config().NumHidden, "float32")
	if err != nil {
		return nil, err
	}
	if ok, _ := stamp.matches(path); ok {
		if q, err := dataset.ReadNPY[float32](path); err == nil {
			h.logf("features: reusing %s", path)
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
