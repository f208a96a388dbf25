package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestHelperBM is not a test: run as a child process with BM_HELPER=1, it is bm, run on the
// arguments after "--" (so that the child has bm's start-up code and a command line of its own).
func TestHelperBM(t *testing.T) {
	if os.Getenv("BM_HELPER") != "1" {
		t.Skip("helper process for TestTensorFlowQuietByDefault")
	}
	i := slices.Index(os.Args, "--")
	os.Exit(run(os.Args[i+1:]))
}

// bmChild runs bm's start-up code and bm with args in a child process whose environment is
// env plus the caller's without TF_CPP_MIN_LOG_LEVEL, and returns its stderr.
func bmChild(t *testing.T, env []string, args ...string) string {
	t.Helper()
	cmd := exec.Command(os.Args[0], append([]string{"-test.run=^TestHelperBM$", "--"}, args...)...)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "TF_CPP_MIN_LOG_LEVEL=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "BM_HELPER=1")
	cmd.Env = append(cmd.Env, env...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("bm %v: %v\n%s", args, err, stderr.String())
	}
	return stderr.String()
}

// TestTensorFlowQuietByDefault checks that TensorFlow's start-up lines (the oneDNN line, printed
// while libtensorflow loads, and the MLIR line that Abseil prints at the first session run) are
// hidden by default, shown with -tf-log anywhere on the command line, and shown when the
// environment asks for them.
func TestTensorFlowQuietByDefault(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "images.idx")
	writeIDX(t, data, 40, 4, 4)
	train := []string{"train", "-data", data, "-n-train", "30", "-n-val", "10", "-n-hidden", "4", "-epochs", "1",
		"-out", filepath.Join(dir, "out"), "-samples", "0", "-quiet", "-fresh"}
	lines := []string{"oneDNN custom operations", "MLIR V1 optimization pass", "absl::InitializeLog"}
	quiet := func(env []string) {
		t.Helper()
		out := bmChild(t, env, train...)
		for _, l := range lines {
			if strings.Contains(out, l) {
				t.Errorf("%v bm train printed TensorFlow's %q line:\n%s", env, l, out)
			}
		}
	}
	quiet(nil)
	for _, tc := range []struct {
		env  []string
		args []string
	}{
		{nil, append(slices.Clone(train), "-tf-log")},
		{nil, append([]string{"--tf-log"}, train...)},
		{nil, append(slices.Clone(train), "-tf-log=true")},
		{[]string{"TF_CPP_MIN_LOG_LEVEL=0"}, train},
	} {
		out := bmChild(t, tc.env, tc.args...)
		for _, l := range lines {
			if !strings.Contains(out, l) {
				t.Errorf("%v bm %v: no %q line on stderr:\n%s", tc.env, tc.args, l, out)
			}
		}
	}
	quiet([]string{"TF_CPP_MIN_LOG_LEVEL=1"}) // information hidden, warnings would show
}

// TestWithoutTFLogFlag checks that every spelling of -tf-log, with or without a boolean value, is
// removed wherever it is, that a value that is not a boolean is an error naming the flag, and
// that the C code which reads argv before TensorFlow starts reads each argument the same way.
func TestWithoutTFLogFlag(t *testing.T) {
	got, err := withoutTFLogFlag([]string{"train", "-tf-log", "-epochs", "2", "--tf-log", "-tf-log=false", "--tf-log=T", "-tf-logs", "tf-log"})
	if want := []string{"train", "-epochs", "2", "-tf-logs", "tf-log"}; err != nil || !slices.Equal(got, want) {
		t.Errorf("withoutTFLogFlag = %q, %v, want %q", got, err, want)
	}
	if _, err := withoutTFLogFlag([]string{"train", "-tf-log=maybe"}); err == nil || !strings.Contains(err.Error(), "-tf-log") || !strings.Contains(err.Error(), "maybe") {
		t.Errorf("withoutTFLogFlag(-tf-log=maybe) error = %v, want one naming the flag and the value", err)
	}
	for a, want := range map[string]int{
		"-tf-log": 1, "--tf-log": 1, "-tf-log=1": 1, "--tf-log=true": 1, "-tf-log=True": 1, "-tf-log=TRUE": 1, "-tf-log=t": 1,
		"-tf-log=0": 0, "--tf-log=false": 0, "-tf-log=F": 0, "-tf-log=FALSE": 0,
		"-tf-log=": 2, "-tf-log=yes": 2, "---tf-log": -1, "-tf-logx": -1, "tf-log": -1, "-": -1, "": -1, "-epochs": -1,
	} {
		if got := tfLogArg(a); got != want {
			t.Errorf("tfLogArg(%q) = %d, want %d", a, got, want)
		}
	}
}
