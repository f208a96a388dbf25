package rbm

import (
	"context"
	"math"
	"slices"
	"strings"
	"testing"

	tf "github.com/galeone/tensorflow/tensorflow/go"

	"github.com/boltzmann-go/boltzmann/anneal"
	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/internal/loopback"
)

// TestAISBlocks checks AIS split into blocks of runs: on one process, blocks estimate the exact
// log Z like one block does; the estimate depends on the blocks, not on where they run (two
// blocks on the two tasks of a loopback cluster give one process's runs bit for bit, and so do
// both blocks on one task); reverse AIS splits its start rows among the blocks; a device the
// cluster lacks is an error that names it.
func TestAISBlocks(t *testing.T) {
	tm := tinies[0].withParams(4)
	local := tm.model(t, tf.Double, nil)
	want, err := local.ExactLogZ()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	o := anneal.Options{Betas: 1000, Runs: 101, Blocks: 2}
	one, err := local.AISLogZ(ctx, anneal.Options{Betas: 1000, Runs: 101})
	if err != nil {
		t.Fatal(err)
	}
	split, err := local.AISLogZ(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	if len(split.Runs) != 101 || math.Abs(split.LogZ-want) > 0.05 {
		t.Errorf("2 blocks: %d runs, log Ẑ %.4f, exact %.4f", len(split.Runs), split.LogZ, want)
	}
	if slices.Equal(split.Runs, one.Runs) {
		t.Errorf("2 blocks drew the one block's streams")
	}

	target, devices := loopback.Cluster(t, 2)
	remote := tm.model(t, tf.Double, func(c *Config) { c.Target = target })
	for _, devs := range [][]string{devices, {devices[1]}} {
		o := o
		o.Devices = devs
		got, err := remote.AISLogZ(ctx, o)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got.Runs, split.Runs) {
			t.Errorf("2 blocks on %v: log Ẑ %.17g, on one process %.17g (runs differ)", devs, got.LogZ, split.LogZ)
		}
	}

	start := dataset.NewMatrix[float64](60, tm.nv)
	for i := range start.Data {
		start.Data[i] = float64((i*7 + i/3) % 2)
	}
	rev1, err := local.ReverseAISLogZ(ctx, start, anneal.ReverseOptions{Options: anneal.Options{Betas: 500, Blocks: 3}, BurnIn: 100})
	if err != nil {
		t.Fatal(err)
	}
	o3 := anneal.Options{Betas: 500, Blocks: 3, Devices: devices}
	rev2, err := remote.ReverseAISLogZ(ctx, start, anneal.ReverseOptions{Options: o3, BurnIn: 100})
	if err != nil {
		t.Fatal(err)
	}
	if len(rev1.Runs) != 60 || !slices.Equal(rev1.Runs, rev2.Runs) {
		t.Errorf("reverse AIS in 3 blocks: %d runs; on the cluster the runs differ", len(rev1.Runs))
	}

	o.Devices = []string{"/job:worker/task:7"}
	if _, err := remote.AISLogZ(ctx, o); err == nil || !strings.Contains(err.Error(), "task:7") {
		t.Errorf("AIS on a task the cluster lacks: %v", err)
	}
	if _, err := local.AISLogZ(ctx, anneal.Options{Betas: 100, Runs: 3, Blocks: 4}); err == nil {
		t.Errorf("3 runs in 4 blocks gave no error")
	}
}
