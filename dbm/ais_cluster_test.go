package dbm

import (
	"context"
	"math"
	"slices"
	"testing"

	tf "github.com/galeone/tensorflow/tensorflow/go"

	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/internal/loopback"
)

// TestAISBlocks checks a DBM's AIS split into blocks of runs: near the exact log Z on one
// process, and the same runs bit for bit when the blocks run on the two tasks of a loopback
// cluster (forward, and reverse from start rows shared out among the blocks).
func TestAISBlocks(t *testing.T) {
	d := tinyDBMs[1].withParams(2) // 3-2-3-2: two odd layers in the state
	want := d.logZ()
	local := d.model(t, tf.Double, nil)
	target, devices := loopback.Cluster(t, 2)
	remote := d.model(t, tf.Double, func(c *Config) { c.Target = target })
	ctx := context.Background()
	o := AISOptions{Betas: 1000, Runs: 201, Blocks: 2}
	split, err := local.AISLogZ(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	if len(split.Runs) != 201 || math.Abs(split.LogZ-want) > 0.06 {
		t.Errorf("2 blocks: %d runs, log Ẑ %.4f, exact %.4f", len(split.Runs), split.LogZ, want)
	}
	o.Devices = devices
	got, err := remote.AISLogZ(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.Runs, split.Runs) {
		t.Errorf("on the cluster log Ẑ %.17g, on one process %.17g (runs differ)", got.LogZ, split.LogZ)
	}
	start := dataset.NewMatrix[float64](40, d.sizes[0])
	for i := range start.Data {
		start.Data[i] = float64((i*5 + i/3) % 2)
	}
	ro := ReverseOptions{Options: AISOptions{Betas: 300, Blocks: 2}, BurnIn: 50}
	rev1, err := local.ReverseAISLogZ(ctx, start, ro)
	if err != nil {
		t.Fatal(err)
	}
	ro.Devices = devices
	rev2, err := remote.ReverseAISLogZ(ctx, start, ro)
	if err != nil {
		t.Fatal(err)
	}
	if len(rev1.Runs) != 40 || !slices.Equal(rev1.Runs, rev2.Runs) {
		t.Errorf("reverse AIS in 2 blocks: %d runs; on the cluster the runs differ", len(rev1.Runs))
	}
}
