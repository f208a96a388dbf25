package dbm

import (
	"archive/tar"
	"compress/gzip"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCommittedCheckpointsLoad checks that the DBMs committed in checkpoints/ (written when
// Config.L2 was a float64) still load, with the L2 their model.json holds.
func TestCommittedCheckpointsLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("loads two 784-512-1024 DBMs")
	}
	for _, name := range []string{"dbm_mnist_full.tar.gz", "dbm_mnist_as_original.tar.gz"} {
		t.Run(name, func(t *testing.T) {
			dir := untar(t, filepath.Join("..", "checkpoints", name))
			b, err := os.ReadFile(filepath.Join(dir, "model.json"))
			if err != nil {
				t.Fatal(err)
			}
			var saved struct {
				Config struct{ L2 float64 } `json:"config"`
			}
			if err := json.Unmarshal(b, &saved); err != nil {
				t.Fatal(err)
			}
			m, err := Load(dir)
			if err != nil {
				t.Fatal(err)
			}
			defer m.Close()
			if l2 := m.Config().L2; l2 == nil || *l2 != saved.Config.L2 || *l2 == 0 {
				t.Errorf("loaded L2 %v, model.json %g", l2, saved.Config.L2)
			}
		})
	}
}

// untar extracts the gzipped tar file at path into a temporary folder and returns the folder
// that holds its model.json.
func untar(t *testing.T, path string) string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	root, model := t.TempDir(), ""
	r := tar.NewReader(z)
	for {
		h, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if h.Typeflag != tar.TypeReg || strings.Contains(h.Name, "..") {
			continue
		}
		p := filepath.Join(root, h.Name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		out, err := os.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(out, r); err != nil {
			t.Fatal(err)
		}
		out.Close()
		if filepath.Base(p) == "model.json" {
			model = filepath.Dir(p)
		}
	}
	if model == "" {
		t.Fatalf("%s has no model.json", path)
	}
	return model
}
