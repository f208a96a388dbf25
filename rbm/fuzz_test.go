package rbm

import (
	"os"
	"path/filepath"
	"testing"

	tf "github.com/galeone/tensorflow/tensorflow/go"
)

// FuzzLoadModelJSON replaces a saved model's model.json with arbitrary bytes: Load must return a
// model or an error, never panic, and never allocate what an unchecked header claims (Load
// compares the claimed sizes with the checkpoint before building anything of that size).
func FuzzLoadModelJSON(f *testing.F) {
	m, err := New(Config{NumVisible: 4, NumHidden: 3, DType: tf.Float, Seed: 1})
	if err != nil {
		f.Fatal(err)
	}
	dir := f.TempDir()
	if err := m.Save(dir); err != nil {
		f.Fatal(err)
	}
	m.Close()
	orig, err := os.ReadFile(filepath.Join(dir, "model.json"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(orig)
	f.Add([]byte(`{"format":1,"kind":"rbm","config":{"NumVisible":4,"NumHidden":2000000000},"dtype":"float32"}`))
	f.Add([]byte(`{"format":1,"kind":"rbm","visible":{"type":"multinomial","draws":-1,"groups":0}}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, b []byte) {
		if err := os.WriteFile(filepath.Join(dir, "model.json"), b, 0o644); err != nil {
			t.Fatal(err)
		}
		if m, err := Load(dir); err == nil {
			m.Close()
		}
	})
}
