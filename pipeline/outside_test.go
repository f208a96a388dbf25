package pipeline_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
)

// TestOutsideModule builds a Go program in a module of its own that requires this one through a
// replace line (testdata/outside/main.go.txt) and runs the tiny RBM and DBM MNIST pipelines with
// it: silently, and with its own hooks, their results come back as values.
func TestOutsideModule(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and links a program: not in -short")
	}
	_, here, _, _ := runtime.Caller(0)
	root := filepath.Dir(filepath.Dir(here))
	dir := t.TempDir()
	prog := filepath.Join(dir, "prog")
	if err := os.MkdirAll(prog, 0o755); err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile(filepath.Join(root, "pipeline", "testdata", "outside", "main.go.txt"))
	if err != nil {
		t.Fatal(err)
	}
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	// The module's own requirements (its go.mod minus the module line), ours, and the replace line.
	ours, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	reqs := regexp.MustCompile(`(?m)^module .*$`).ReplaceAll(ours, nil)
	mod := "module example.com/outside\n" + string(reqs) + "\nrequire github.com/boltzmann-go/boltzmann v0.0.0\n\nreplace github.com/boltzmann-go/boltzmann => " + root + "\n"
	for name, body := range map[string][]byte{"main.go": src, "go.mod": []byte(mod), "go.sum": sum} {
		if err := os.WriteFile(filepath.Join(prog, name), body, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := writeMNIST(filepath.Join(dir, "mnist"), 300, 80); err != nil {
		t.Fatal(err)
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command: %v", err)
	}
	build := exec.Command(goBin, "build", "-mod=mod", "-o", filepath.Join(dir, "outside"), ".")
	build.Dir, build.Env = prog, append(os.Environ(), "GOPROXY=off")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	run := exec.Command(filepath.Join(dir, "outside"), dir, filepath.Join(dir, "runs"))
	var stderr strings.Builder
	run.Stderr = &stderr // TensorFlow's own C++ log lines, if any
	out, err := run.Output()
	if err != nil {
		t.Fatalf("the program: %v\n%s%s", err, out, stderr.String())
	}
	got := string(out)
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`(?m)^rbm: model, fine-tuned 2 epochs, test error 0\.\d+$`),
		regexp.MustCompile(`(?m)^dbm: log Z in results true, fine-tuned 2 epochs, [1-9]\d* log lines, 2 DBM epochs followed$`),
	} {
		if !want.MatchString(got) {
			t.Errorf("the program printed\n%s\nwant a line matching %s", got, want)
		}
	}
	tfLog := regexp.MustCompile(`^([IWEF]\d{4} |WARNING: All log messages before absl::InitializeLog\(\))`)
	for _, line := range strings.Split(strings.TrimSpace(stderr.String()), "\n") {
		if line != "" && !tfLog.MatchString(line) {
			t.Errorf("the program wrote to stderr a line that is not TensorFlow's own log: %q", line)
		}
	}
	if strings.Count(got, "\n") != 2 {
		t.Errorf("the silent RBM pipeline or the hooked DBM pipeline printed on stdout on their own:\n%s", got)
	}
}
