package tfenv

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"
)

// TestHelperSession is not a test: run as a child process with TFENV_HELPER=1, it runs one
// TensorFlow session (whose first Run logs the MLIR line) in a process that imports tfenv.
func TestHelperSession(t *testing.T) {
	if os.Getenv("TFENV_HELPER") != "1" {
		t.Skip("helper process for TestQuietByDefault")
	}
	s := op.NewScope()
	x := op.Add(s, op.Const(s.SubScope("a"), float32(1)), op.Const(s.SubScope("b"), float32(2)))
	g, err := s.Finalize()
	if err != nil {
		t.Fatal(err)
	}
	sess, err := tf.NewSession(g, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	if _, err := sess.Run(nil, []tf.Output{x}, nil); err != nil {
		t.Fatal(err)
	}
}

// session runs TestHelperSession in a child process whose environment is the caller's without
// TF_CPP_MIN_LOG_LEVEL, plus env, and returns its stderr.
func session(t *testing.T, env ...string) string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperSession$")
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "TF_CPP_MIN_LOG_LEVEL=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, append([]string{"TFENV_HELPER=1"}, env...)...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("child: %v\n%s", err, stderr.String())
	}
	return stderr.String()
}

// TestQuietByDefault checks that a program importing tfenv prints none of TensorFlow's
// start-up lines (the oneDNN line, printed while libtensorflow loads, and the MLIR line that
// Abseil prints at the first Run), and that TF_CPP_MIN_LOG_LEVEL=0 in the environment shows
// them again (so the check is not vacuous).
func TestQuietByDefault(t *testing.T) {
	lines := []string{"oneDNN custom operations", "MLIR V1 optimization pass", "absl::InitializeLog"}
	out := session(t)
	for _, l := range lines {
		if strings.Contains(out, l) {
			t.Errorf("a session printed TensorFlow's %q line:\n%s", l, out)
		}
	}
	out = session(t, "TF_CPP_MIN_LOG_LEVEL=0")
	for _, l := range lines {
		if !strings.Contains(out, l) {
			t.Errorf("TF_CPP_MIN_LOG_LEVEL=0: no %q line on stderr:\n%s", l, out)
		}
	}
}

// TestGetenvDefaults checks the defaults as C code reads them, and that the environment wins.
func TestGetenvDefaults(t *testing.T) {
	t.Setenv("GRPC_FAIL_FAST", "false")
	if got := cGetenv("GRPC_FAIL_FAST"); got != "false" {
		t.Errorf("getenv(GRPC_FAIL_FAST) with false set = %q, want false", got)
	}
	os.Unsetenv("GRPC_FAIL_FAST")
	if got := cGetenv("GRPC_FAIL_FAST"); got != "true" {
		t.Errorf("getenv(GRPC_FAIL_FAST) unset = %q, want true", got)
	}
	os.Unsetenv("TF_CPP_MIN_LOG_LEVEL")
	if got := cGetenv("TF_CPP_MIN_LOG_LEVEL"); got != "2" {
		t.Errorf("getenv(TF_CPP_MIN_LOG_LEVEL) unset = %q, want 2", got)
	}
}

// TestAbseilSeverity checks the recognition of Abseil's records, which fwrite filters.
func TestAbseilSeverity(t *testing.T) {
	for s, want := range map[string]int{
		"I0000 00:00:1796226690.135471   24660 mlir_graph_optimization_pass.cc:401] MLIR V1\n":     0,
		"W1202 15:51:30.135471   24660 x.cc:1] careful\n":                                          1,
		"E1202 15:51:30.135471   24660 x.cc:1] failed\n":                                           2,
		"F1202 15:51:30.135471   24660 x.cc:1] fatal\n":                                            -1,
		"WARNING: All log messages before absl::InitializeLog() is called are written to STDERR\n": 0,
		"bm train: epoch 1\n":  -1,
		"I0000":                -1,
		"Ixxxx 00:00:00 short": -1,
	} {
		if got := abseilSeverity(s); got != want {
			t.Errorf("abseilSeverity(%q) = %d, want %d", s, got, want)
		}
	}
}
