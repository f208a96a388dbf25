package dbm

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tf "github.com/galeone/tensorflow/tensorflow/go"

	"github.com/boltzmann-go/boltzmann/internal/modeldir"
)

// TestLoadRefusesEditedUnits: a DBM's unit type edited in model.json leaves the checkpoint's
// tensors alike (a Gaussian visible layer has the same weights and biases as a Bernoulli one),
// yet Load refuses it through the digest saved with the checkpoint; the unedited folder loads.
func TestLoadRefusesEditedUnits(t *testing.T) {
	m, err := New(Config{Sizes: []int{6, 4, 3}, DType: tf.Float, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "model")
	if err := m.Save(dir); err != nil {
		t.Fatal(err)
	}
	m.Close()
	if l, err := Load(dir); err != nil {
		t.Fatalf("the saved folder: %v", err)
	} else {
		l.Close()
	}
	path := filepath.Join(dir, modeldir.File)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var j map[string]any
	if err := json.Unmarshal(b, &j); err != nil {
		t.Fatal(err)
	}
	j["units"].([]any)[0] = map[string]any{"type": "gaussian", "sigma": []float64{1, 1, 1, 1, 1, 1}}
	if b, err = json.Marshal(j); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	l, err := Load(dir)
	if err == nil {
		l.Close()
		t.Fatal("Load accepted a DBM whose visible units were edited from bernoulli to gaussian")
	}
	if !errors.Is(err, modeldir.ErrInconsistent) || !strings.Contains(err.Error(), "changed after the model was saved") {
		t.Errorf("edited units: %v, want ErrInconsistent naming the change", err)
	}
}
