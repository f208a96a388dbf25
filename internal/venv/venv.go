// Package venv finds the programs of the Python virtualenv that `make deps` installs beside
// libtensorflow (Python TensorFlow, saved_model_cli, TensorBoard), for the interoperability
// tests. The Makefile exports its location as BOLTZMANN_TF_DIR.
package venv

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Tool returns the path of the program name in $BOLTZMANN_TF_DIR/venv/bin. It skips t when
// BOLTZMANN_TF_DIR is unset (go test run by hand, outside make) and fails t when the variable
// is set but the program is missing, so that `make test` never skips an interop test silently.
func Tool(t testing.TB, name string) string {
	t.Helper()
	dir := os.Getenv("BOLTZMANN_TF_DIR")
	if dir == "" {
		t.Skip("BOLTZMANN_TF_DIR is not set (make test sets it): no Python TensorFlow to check against")
	}
	p := filepath.Join(dir, "venv", "bin", name)
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("BOLTZMANN_TF_DIR=%s but %v (run make deps)", dir, err)
	}
	return p
}

// Env returns the environment for Python subprocesses: quiet TensorFlow, CPU only.
func Env() []string {
	return append(os.Environ(), "TF_CPP_MIN_LOG_LEVEL=2", "CUDA_VISIBLE_DEVICES=")
}

// RunJSON runs the Python script (a file path) of the virtualenv with in as JSON on its standard
// input and decodes its standard output, JSON, into out: a NumPy re-statement of an equation
// answering for a Go test. It skips t as Tool does and fails t on any error.
func RunJSON(t testing.TB, script string, in, out any) {
	t.Helper()
	python := Tool(t, "python")
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(python, script)
	cmd.Env, cmd.Stdin = Env(), bytes.NewReader(b)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	res, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v: %s", script, err, stderr.Bytes())
	}
	if err := json.Unmarshal(res, out); err != nil {
		t.Fatalf("%s: %v in %.200s", script, err, res)
	}
}
