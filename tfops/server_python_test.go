package tfops

import (
	"bufio"
	"fmt"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"

	"github.com/boltzmann-go/boltzmann/internal/venv"
)

// TestServerPythonInterop: a Python tf.distribute.Server is a worker for a Go session, and a
// Go Server is a worker for a Python TF1-style session; both compute the same values.
func TestServerPythonInterop(t *testing.T) {
	python := venv.Tool(t, "python")

	// Python serves, Go computes on it.
	port := freePort(t)
	srv := exec.Command(python, "-c", fmt.Sprintf(`
import sys, tensorflow as tf
s = tf.distribute.Server(tf.train.ClusterSpec({"worker": ["localhost:%d"]}), job_name="worker", task_index=0, start=True)
print("ready", flush=True)
s.join()`, port))
	srv.Env = venv.Env()
	out, err := srv.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	defer srv.Process.Kill()
	ready := make(chan bool, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if sc.Text() == "ready" {
				ready <- true
			}
		}
	}()
	select {
	case <-ready:
	case <-time.After(60 * time.Second):
		t.Fatal("the Python server did not start in 60 s")
	}
	s := op.NewScope().WithDevice("/job:worker/task:0")
	y := op.Mul(s, op.Const(s.SubScope("a"), []float64{1.5, -2}), op.Const(s.SubScope("b"), 4.0))
	g, err := s.Finalize()
	if err != nil {
		t.Fatal(err)
	}
	sess, err := NewSession(g, &Options{Target: fmt.Sprintf("grpc://localhost:%d", port)})
	if err != nil {
		t.Fatal(err)
	}
	res, err := sess.Run(nil, []tf.Output{y}, nil)
	sess.Close()
	if err != nil {
		t.Fatalf("Go session on the Python worker: %v", err)
	}
	if v, _ := Values[float64](res[0]); !slices.Equal(v, []float64{6, -8}) {
		t.Errorf("Python worker computed %v, want [6 -8]", v)
	}

	// Go serves, Python computes on it.
	port = freePort(t)
	cluster, err := ParseCluster(fmt.Sprintf("worker=localhost:%d", port))
	if err != nil {
		t.Fatal(err)
	}
	gs, err := NewServer(cluster, "worker", 0)
	if err != nil {
		t.Fatal(err)
	}
	defer gs.Close()
	client := exec.Command(python, "-c", fmt.Sprintf(`
import tensorflow as tf
tf.compat.v1.disable_eager_execution()
with tf.device("/job:worker/task:0"):
    y = tf.constant([1.5, -2.0], dtype=tf.float64) * 4.0
with tf.compat.v1.Session("grpc://localhost:%d") as s:
    print(" ".join(repr(float(v)) for v in s.run(y)))
    print(any("/job:worker/replica:0/task:0" in d.name for d in s.list_devices()))`, port))
	client.Env = venv.Env()
	b, err := client.CombinedOutput()
	if err != nil {
		t.Fatalf("Python client on the Go worker: %v\n%s", err, b)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) < 2 || lines[len(lines)-2] != "6.0 -8.0" || lines[len(lines)-1] != "True" {
		t.Errorf("Python client on the Go worker printed %q, want 6.0 -8.0 and True", b)
	}
}
