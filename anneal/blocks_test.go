package anneal

import (
	"slices"
	"testing"
)

// TestBlockPlan checks how runs, seeds and devices are shared out among blocks.
func TestBlockPlan(t *testing.T) {
	if got := BlockRuns(101, 3); !slices.Equal(got, []int{34, 34, 33}) {
		t.Errorf("BlockRuns(101, 3) = %v", got)
	}
	if BlockKey(12345, 0) != 12345 || BlockKey(12345, 1) == 12345 || BlockKey(12345, 1) == BlockKey(12345, 2) {
		t.Errorf("BlockKey: block 0 must keep the key, the others get keys of their own")
	}
	for _, c := range []struct {
		o       Options
		blocks  int
		devices []string
	}{
		{Options{}, 1, []string{""}},
		{Options{Blocks: 3}, 3, []string{"", "", ""}},
		{Options{Devices: []string{"a", "b"}}, 2, []string{"a", "b"}},
		{Options{Blocks: 3, Devices: []string{"a", "b"}}, 3, []string{"a", "b", "a"}},
	} {
		blocks, devices, err := c.o.BlockPlan()
		if err != nil || blocks != c.blocks || !slices.Equal(devices, c.devices) {
			t.Errorf("%+v: %d blocks on %q, %v; want %d on %q", c.o, blocks, devices, err, c.blocks, c.devices)
		}
	}
	if _, _, err := (Options{Blocks: -1}).BlockPlan(); err == nil {
		t.Errorf("-1 blocks gave no error")
	}
	if got := (BlockKeyOf{Sweeps: 2}).ScopeName("ais"); got != "ais_2" {
		t.Errorf("block 0's scope %q, want the one-block name ais_2", got)
	}
	if got := (BlockKeyOf{Sweeps: 2, Block: 1, Device: "/job:worker/task:1"}).ScopeName("ais"); got != "ais_2_b1" {
		t.Errorf("block 1's scope %q", got)
	}
}
