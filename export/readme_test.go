package export

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	tf "github.com/galeone/tensorflow/tensorflow/go"

	"github.com/boltzmann-go/boltzmann/internal/venv"
	"github.com/boltzmann-go/boltzmann/rbm"
)

// pythonBlocks returns the ```python blocks of a Markdown file.
func pythonBlocks(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var blocks []string
	parts := strings.Split(string(b), "```python\n")
	for _, p := range parts[1:] {
		end := strings.Index(p, "```")
		if end < 0 {
			t.Fatalf("%s: unterminated python block", path)
		}
		blocks = append(blocks, p[:end])
	}
	return blocks
}

// TestReadmePythonSnippets runs every Python snippet of savedmodels/README.md against a real
// export of a 784×1024 RBM (the snippets' savedmodels/rbm_mnist/1) and, for the classifier's,
// a 784-input MLP export: a documented snippet that fails is a bug.
func TestReadmePythonSnippets(t *testing.T) {
	python := venv.Tool(t, "python")
	base := t.TempDir()
	m, err := rbm.New(rbm.Config{NumVisible: 784, NumHidden: 1024, DType: tf.Float, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	dir, err := Write(base, "rbm_mnist", 1, m, nil)
	if err != nil {
		t.Fatal(err)
	}
	blocks := pythonBlocks(t, filepath.Join("..", "savedmodels", "README.md"))
	ran := 0
	for i, code := range blocks {
		if !strings.Contains(code, "savedmodels/rbm_mnist/1") {
			t.Logf("snippet %d loads another model: run by the test that makes it", i)
			continue
		}
		cmd := exec.Command(python, "-c", strings.ReplaceAll(code, "savedmodels/rbm_mnist/1", dir))
		cmd.Env = venv.Env()
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("savedmodels/README.md python snippet %d fails: %v\n%s\n%s", i, err, code, tail(string(out), 1500))
		}
		ran++
	}
	if ran == 0 {
		t.Fatal("no snippet of savedmodels/README.md ran")
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}
