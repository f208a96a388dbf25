package rbm

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	tf "github.com/galeone/tensorflow/tensorflow/go"
)

// TestKeepStoredAsDropout checks that Config.Keep (once named Dropout) is stored under
// model.json's "Dropout" key with its meaning, the keep probability, so that folders of every
// version load alike (model.json is stamped with its hash, so an older file is not forged here:
// the key and its meaning are what the older versions wrote).
func TestKeepStoredAsDropout(t *testing.T) {
	dir := t.TempDir()
	m := newModel(t, Config{NumVisible: 4, NumHidden: 2, DType: tf.Double, Keep: 0.5})
	if err := m.Save(dir); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "model.json")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var saved struct {
		Config map[string]any `json:"config"`
	}
	if err := json.Unmarshal(b, &saved); err != nil {
		t.Fatal(err)
	}
	if got := saved.Config["Dropout"]; got != 0.5 {
		t.Errorf(`model.json "Dropout" = %v, want the keep probability 0.5`, got)
	}
	l, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if got := l.Config().Keep; got != 0.5 {
		t.Errorf("loaded Keep = %g, want 0.5", got)
	}
}
