// Package minibatch groups the minibatches of an epoch into TensorFlow runs: the training
// graphs of rbm and dbm unroll several updates per Session.Run and read each update's rows
// from an int32 index tensor.
package minibatch

import (
	"context"

	"github.com/boltzmann-go/boltzmann/tfops"

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

// Local returns the rows of a run in order and the index tensor that reads them from a matrix
// of just those rows (0, 1, 2, … in the shape of Indices): how a run is fed when the training
// set is streamed through the graph instead of resident in it.
func Local(run [][]int) (rows []int, idx *tf.Tensor, err error) {
	local := make([][]int, len(run))
	for i, b := range run {
		local[i] = make([]int, len(b))
		for j, r := range b {
			local[i][j] = len(rows)
			rows = append(rows, r)
		}
	}
	idx, err = Indices(local)
	return rows, idx, err
}

// Streamed returns the feeds of a run when the training set d is streamed: indices into the
// run's own rows (Local), and those rows copied out of d as a tensor of dtype dt.
func Streamed(d tfops.Data, run [][]int, dt tf.DataType) (idx, rows *tf.Tensor, err error) {
	r, idx, err := Local(run)
	if err != nil {
		return nil, nil, err
	}
	rows, err = tfops.GatherTensor(d, r, dt)
	return idx, rows, err
}

// Sequential returns the minibatches of n rows taken in order, b at a time (the last may be
// shorter): how a chunk of a stream is trained on.
func Sequential(n, b int) [][]int {
	var out [][]int
	for i := 0; i < n; i += b {
		batch := make([]int, 0, b)
		for j := i; j < min(i+b, n); j++ {
			batch = append(batch, j)
		}
		out = append(out, batch)
	}
	return out
}
