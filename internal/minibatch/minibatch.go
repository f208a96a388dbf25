// Package minibatch groups the minibatches of an epoch into TensorFlow runs: the training
// graphs of rbm and dbm unroll several updates per Session.Run and read each update's rows
// from an int32 index tensor.
package minibatch

import (
	"context"

	tf "github.com/galeone/tensorflow/tensorflow/go"
)

// Runs groups batches into runs of up to perRun consecutive minibatches of full size; a shorter
// minibatch (an epoch's last) runs alone, as does every minibatch when perRun ≤ 1.
func Runs(batches [][]int, full, perRun int) [][][]int {
	var runs [][][]int
	for done := 0; done < len(batches); {
		u := 0
		for done+u < len(batches) && u < perRun && len(batches[done+u]) == full {
			u++
		}
		u = max(u, 1)
		runs = append(runs, batches[done:done+u])
		done += u
	}
	return runs
}

// Indices returns the rows of a run as an int32 tensor of shape [minibatches, rows].
func Indices(run [][]int) (*tf.Tensor, error) {
	idx := make([]int32, 0, len(run)*len(run[0]))
	for _, b := range run {
		for _, i := range b {
			idx = append(idx, int32(i))
		}
	}
	t, err := tf.NewTensor(idx)
	if err != nil {
		return nil, err
	}
	if err := t.Reshape([]int64{int64(len(run)), int64(len(run[0]))}); err != nil {
		return nil, err
	}
	return t, nil
}

// Each calls run for every run of batches (see Runs) with its minibatches and their index
// tensor (see Indices), in order, stopping at the first error or when ctx is done.
func Each(ctx context.Context, batches [][]int, full, perRun int, run func(chunk [][]int, idx *tf.Tensor) error) error {
	for _, chunk := range Runs(batches, full, perRun) {
		if err := ctx.Err(); err != nil {
			return err
		}
		idx, err := Indices(chunk)
		if err != nil {
			return err
		}
		if err := run(chunk, idx); err != nil {
			return err
		}
	}
	return nil
}
