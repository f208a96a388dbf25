package rbm

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	tf "github.com/galeone/tensorflow/tensorflow/go"
)

// TestLoadRefusesInconsistentModelFolder edits a saved model.json the ways a hostile or
// careless user might: every edit must be refused by Load with a message, without a panic and
// without allocating the claimed size.
func TestLoadRefusesInconsistentModelFolder(t *testing.T) {
	m := newModel(t, Config{NumVisible: 6, NumHidden: 4, DType: tf.Float, Seed: 1})
	dir := t.TempDir()
	if err := m.Save(dir); err != nil {
		t.Fatal(err)
	}
	orig, err := os.ReadFile(filepath.Join(dir, "model.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		edit func(cfg map[string]any, top map[string]any)
		want string
	}{
		{"more hidden units", func(c, _ map[string]any) { c["NumHidden"] = 8 }, "inconsistent"},
		{"fewer visible units", func(c, _ map[string]any) { c["NumVisible"] = 5 }, "inconsistent"},
		// Same number of weights, another shape: only the checkpoint index tells.
		{"6×4 read as 4×6", func(c, _ map[string]any) { c["NumVisible"], c["NumHidden"] = 4, 6 }, "weights/W is float32 [4 6] in the model's description but float32 [6 4] in the checkpoint"},
		{"2e9 hidden units", func(c, _ map[string]any) { c["NumHidden"] = 2e9 }, "weights, more than"},
		{"100000×100000", func(c, _ map[string]any) { c["NumVisible"], c["NumHidden"] = 1e5, 1e5 }, "weights, more than"},
		{"another dtype", func(_, top map[string]any) { top["dtype"] = "float64" }, "inconsistent"},
		{"another batch size", func(c, _ map[string]any) { c["BatchSize"] = 11 }, "inconsistent"},
		{"unknown unit", func(_, top map[string]any) { top["hidden"] = map[string]any{"type": "tanh"} }, "unknown unit type"},
		{"unknown method", func(_, top map[string]any) { top["method"] = map[string]any{"type": "sgd"} }, "unknown training method"},
		{"missing checkpoint", func(_, top map[string]any) { top["checkpoint"] = "ckpt-9-9" }, "no such file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var top map[string]any
			if err := json.Unmarshal(orig, &top); err != nil {
				t.Fatal(err)
			}
			tc.edit(top["config"].(map[string]any), top)
			b, _ := json.Marshal(top)
			if err := os.WriteFile(filepath.Join(dir, "model.json"), b, 0o644); err != nil {
				t.Fatal(err)
			}
			loaded, err := Load(dir)
			if err == nil {
				loaded.Close()
				t.Fatalf("Load accepted the edited model.json")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Load: %v; want a message with %q", err, tc.want)
			}
			if strings.Count(err.Error(), "rbm: ") != 1 {
				t.Errorf("Load: %v; want the package named once", err)
			}
		})
	}
}

// TestLoadOn places a saved model on another device: the loaded config says so, the weights
// are the saved ones.
func TestLoadOn(t *testing.T) {
	m := newModel(t, Config{NumVisible: 5, NumHidden: 3, DType: tf.Double, Seed: 2, Threads: 2})
	dir := t.TempDir()
	if err := m.Save(dir); err != nil {
		t.Fatal(err)
	}
	l, err := LoadOn(dir, "", 1)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if c := l.Config(); c.Threads != 1 || c.GPU != "" {
		t.Errorf("loaded on threads %d, GPU %q; want 1 and the CPU", c.Threads, c.GPU)
	}
	if !slices.Equal(weights(t, l), weights(t, m)) {
		t.Error("LoadOn changed the weights")
	}
	if _, err := LoadOn(dir, "x", 0); err == nil {
		t.Error("LoadOn with GPU \"x\": no error")
	}
}
