package tfops

import (
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"
	"testing"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"
)

// freePort returns a TCP port nobody listens on (just now).
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "localhost:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// TestServerLoopback starts a one-task cluster in this process and runs a graph placed on its
// task through a session targeting it: the session sees the worker's device and the result
// equals the same graph run locally.
func TestServerLoopback(t *testing.T) {
	port := freePort(t)
	cluster, err := ParseCluster(fmt.Sprintf("worker=localhost:%d", port))
	if err != nil {
		t.Fatal(err)
	}
	srv, err := NewServer(cluster, "worker", 0)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if got := srv.Target(); got != fmt.Sprintf("grpc://localhost:%d", port) {
		t.Errorf("Target = %q", got)
	}
	build := func(device string) (*tf.Graph, tf.Output, tf.Output) {
		s := op.NewScope().WithDevice(device)
		x := op.Placeholder(s, tf.Double)
		y := op.AddV2(s, op.Mul(s, x, op.Const(s, 2.0)), op.Const(s.SubScope("one"), 1.0))
		g, err := s.Finalize()
		if err != nil {
			t.Fatal(err)
		}
		return g, x, y
	}
	in, _ := tf.NewTensor([]float64{0.5, -3, 7})
	var results [][]float64
	for _, c := range []struct{ device, target string }{{"", ""}, {"/job:worker/task:0", srv.Target()}} {
		g, x, y := build(c.device)
		sess, err := NewSession(g, &Options{Target: c.target})
		if err != nil {
			t.Fatal(err)
		}
		out, err := sess.Run(map[tf.Output]*tf.Tensor{x: in}, []tf.Output{y}, nil)
		if err != nil {
			t.Fatal(err)
		}
		v, _ := Values[float64](out[0])
		results = append(results, v)
		if c.target != "" {
			devs, err := sess.Devices()
			if err != nil {
				t.Fatal(err)
			}
			if !slices.ContainsFunc(devs, func(d tf.Device) bool { return strings.Contains(d.Name, "/job:worker/replica:0/task:0") }) {
				t.Errorf("session on %s sees devices %v, not the worker's", c.target, devs)
			}
		}
		sess.Close()
	}
	if !slices.Equal(results[0], results[1]) {
		t.Errorf("on the worker %v, locally %v", results[1], results[0])
	}
	// The same port again: TensorFlow refuses it.
	if _, err := NewServer(cluster, "worker", 0); err == nil {
		t.Error("a second server on the same port started")
	}
}

func TestParseClusterErrors(t *testing.T) {
	for spec, part := range map[string]string{
		"":                          "is not job=host:port",
		"worker":                    "is not job=host:port",
		"worker=localhost":          "address \"localhost\"",
		"worker=localhost:0":        "address \"localhost:0\"",
		"worker=a:1;=b:2":           "part \"=b:2\"",
		"worker=a:1,b:x":            "task 1",
		"/nonexistent/cluster.json": "no such file",
	} {
		if _, err := ParseCluster(spec); err == nil || !strings.Contains(err.Error(), part) {
			t.Errorf("ParseCluster(%q) = %v, want an error with %q", spec, err, part)
		}
	}
	c, err := ParseCluster("worker=a:1,b:2;ps=c:3")
	if err != nil || len(c.Job) != 2 {
		t.Fatalf("ParseCluster = %v, %v", c, err)
	}
	if err := checkTask(c, "worker", 2); !errors.Is(err, ErrClusterSpec) {
		t.Errorf("task 2 of a 2-task job: %v", err)
	}
	if err := checkTask(c, "chief", 0); !errors.Is(err, ErrClusterSpec) {
		t.Errorf("a job the cluster lacks: %v", err)
	}
}
