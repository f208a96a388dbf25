package main

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/boltzmann-go/boltzmann/dataset"
)

// TestTSNE runs bm tsne on pixels, on a model's features and on features and labels from
// bm transform, and checks its usage errors.
func TestTSNE(t *testing.T) {
	mnist, run := tinyRun(t) // 100 training and 20 test images of 8×8, an RBM of 4 hidden units
	dir := t.TempDir()
	small := []string{"-perplexity", "5", "-iterations", "120", "-k", "3", "-quiet"}
	tsneArgs := func(more ...string) []string { return append(append([]string{"tsne"}, small...), more...) }

	pixels, emb := filepath.Join(dir, "pixels.png"), filepath.Join(dir, "pixels.npy")
	bm(t, tsneArgs("-data", mnist, "-n", "0", "-out", pixels, "-embedding-out", emb, "-input-accuracy")...)
	y, err := dataset.ReadNPY[float32](emb)
	if err != nil || y.Rows != 100 || y.Cols != 2 {
		t.Fatalf("embedding: %v, %v; want 100×2", y, err)
	}
	if st, err := os.Stat(pixels); err != nil || st.Size() < 10000 {
		t.Errorf("chart: %v", err)
	}
	// Same seed, same embedding.
	emb2 := filepath.Join(dir, "again.npy")
	bm(t, tsneArgs("-data", mnist, "-n", "0", "-out", filepath.Join(dir, "again.png"), "-embedding-out", emb2)...)
	if y2, err := dataset.ReadNPY[float32](emb2); err != nil || !slices.Equal(y.Data, y2.Data) {
		t.Errorf("a second run with the same seed gave another embedding (%v)", err)
	}

	// A model's features, directly and through bm transform's files.
	bm(t, tsneArgs("-data", mnist, "-test", "-model", run, "-out", filepath.Join(dir, "rbm.png"))...)
	f, labels := filepath.Join(dir, "f.npy"), filepath.Join(dir, "y.npy")
	bm(t, "transform", "-model", run, "-data", mnist, "-test", "-out", f, "-labels-out", labels, "-quiet")
	bm(t, tsneArgs("-features", f, "-labels", labels, "-out", filepath.Join(dir, "features.png"))...)
	bm(t, tsneArgs("-features", f, "-data", mnist, "-test", "-out", filepath.Join(dir, "features2.png"))...)

	for _, tc := range []struct {
		flag string
		args []string
	}{
		{"-k", []string{"-data", mnist, "-k", "0"}},
		{"-out", []string{"-data", mnist, "-out", filepath.Join(dir, "x.jpg")}},
		{"-features", []string{"-data", mnist, "-features", f, "-model", run}},
		{"-labels", []string{"-features", emb, "-labels", labels}}, // 100 rows, 20 labels
		{"-perplexity", []string{"-data", mnist, "-test", "-perplexity", "30"}},
		{"-init", []string{"-data", mnist, "-init", "spectral"}},
		{"-theta", []string{"-data", mnist, "-theta", "-1"}},
	} {
		exitWith(t, 2, tc.flag, append([]string{"tsne", "-quiet"}, tc.args...)...)
	}
}
