package tfevents

import (
	"path/filepath"
)

// Runs is the pair of event writers of one experiment's training and validation runs, in
// <dir>/train and <dir>/val, which TensorBoard shows side by side.
type Runs struct {
	Train, Val *Writer
}

// NewRuns creates the two event files under dir.
func NewRuns(dir string) (*Runs, error) {
	train, err := NewWriter(filepath.Join(dir, "train"))
	if err != nil {
		return nil, err
	}
	val, err := NewWriter(filepath.Join(dir, "val"))
	if err != nil {
		train.Close()
		return nil, err
	}
	return &Runs{Train: train, Val: val}, nil
}

// Scalars writes every value of train and val (metric name → value) at step.
func (r *Runs) Scalars(step int64, train, val map[string]float64) error {
	for k, v := range train {
		if err := r.Train.Scalar(k, step, v); err != nil {
			return err
		}
	}
	for k, v := range val {
		if err := r.Val.Scalar(k, step, v); err != nil {
			return err
		}
	}
	return nil
}

// Flush flushes both files.
func (r *Runs) Flush() error {
	if err := r.Train.Flush(); err != nil {
		return err
	}
	return r.Val.Flush()
}

// Close flushes and closes both files; it may be called more than once.
func (r *Runs) Close() error {
	err1, err2 := r.Train.Close(), r.Val.Close()
	if err1 != nil {
		return err1
	}
	return err2
}
