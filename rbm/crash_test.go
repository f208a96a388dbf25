package rbm

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	tf "github.com/galeone/tensorflow/tensorflow/go"

	"github.com/boltzmann-go/boltzmann/internal/fixtures"
)

// copyDir copies the files of src into dst (created).
func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	if err := os.MkdirAll(dst, 0o755); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, e.Name()), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestCrashAtEachSaveStep builds the model folder a kill leaves at each step of a save (Save
// writes the new checkpoint, syncs it, writes model.json to a temporary file, renames it, then
// removes the old checkpoint) and, for a full disk, a truncated new checkpoint: Load must give
// the last committed epoch, whole, in every case.
func TestCrashAtEachSaveStep(t *testing.T) {
	x := fixtures.BinaryData(30, 6, 2)
	cfg := Config{NumVisible: 6, NumHidden: 4, DType: tf.Double, Seed: 5, Epochs: 2, BatchSize: 10}
	two, three := t.TempDir(), t.TempDir()
	m := newModel(t, cfg)
	if _, err := m.Fit(t.Context(), x, nil, &FitOptions{Dir: two}); err != nil {
		t.Fatal(err)
	}
	w2 := weights(t, m)
	if err := m.SetEpochs(3); err != nil {
		t.Fatal(err)
	}
	copyDir(t, two, three)
	if _, err := m.Fit(t.Context(), x, nil, &FitOptions{Dir: three}); err != nil {
		t.Fatal(err)
	}
	w3 := weights(t, m)
	newCkpt := func() []string { // the files of epoch 3's checkpoint
		all, _ := filepath.Glob(filepath.Join(three, "ckpt-*"))
		return all
	}
	for _, tc := range []struct {
		name      string
		make      func(dir string)
		wantEpoch int
	}{
		{"killed while TensorFlow writes the new checkpoint (data file cut short: a full disk)", func(dir string) {
			for _, f := range newCkpt() {
				b, _ := os.ReadFile(f)
				if strings.HasSuffix(f, ".index") {
					continue
				}
				os.WriteFile(filepath.Join(dir, filepath.Base(f)), b[:len(b)/3], 0o644)
			}
		}, 2},
		{"killed after the new checkpoint, before model.json", func(dir string) {
			for _, f := range newCkpt() {
				b, _ := os.ReadFile(f)
				os.WriteFile(filepath.Join(dir, filepath.Base(f)), b, 0o644)
			}
		}, 2},
		{"killed while writing model.json's temporary file", func(dir string) {
			for _, f := range newCkpt() {
				b, _ := os.ReadFile(f)
				os.WriteFile(filepath.Join(dir, filepath.Base(f)), b, 0o644)
			}
			os.WriteFile(filepath.Join(dir, ".model.json.tmp-42"), []byte(`{"format":1,"ki`), 0o644)
		}, 2},
		{"killed after the rename, before the old checkpoint is removed", func(dir string) {
			for _, f := range newCkpt() {
				b, _ := os.ReadFile(f)
				os.WriteFile(filepath.Join(dir, filepath.Base(f)), b, 0o644)
			}
			b, _ := os.ReadFile(filepath.Join(three, "model.json"))
			os.WriteFile(filepath.Join(dir, "model.json"), b, 0o644)
		}, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			copyDir(t, two, dir)
			tc.make(dir)
			loaded, err := Load(dir)
			if err != nil {
				t.Fatalf("Load after the crash: %v", err)
			}
			defer loaded.Close()
			want := map[int][]float64{2: w2, 3: w3}[tc.wantEpoch]
			if loaded.Epoch() != tc.wantEpoch || !slices.Equal(weights(t, loaded), want) {
				t.Errorf("loaded epoch %d, want the committed epoch %d with its weights", loaded.Epoch(), tc.wantEpoch)
			}
			// The next save commits cleanly over whatever the crash left.
			if err := loaded.Save(dir); err != nil {
				t.Fatal(err)
			}
			left, _ := filepath.Glob(filepath.Join(dir, "*"))
			hidden, _ := filepath.Glob(filepath.Join(dir, ".*"))
			if len(left) != 4 || len(hidden) != 0 {
				t.Errorf("after the next save the folder holds %v and %v, want model.json and one checkpoint (index, data, digest)", left, hidden)
			}
		})
	}
}
