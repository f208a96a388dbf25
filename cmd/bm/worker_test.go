package main

import (
	"fmt"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"

	"github.com/boltzmann-go/boltzmann/tfops"
)

// TestWorker starts bm worker on a free port and runs a graph placed on its task from a session
// in this process; bad specs exit 2 naming the flag, and so does a taken port, in words instead
// of gRPC's error tree.
func TestWorker(t *testing.T) {
	l, err := net.Listen("tcp", "localhost:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	spec := fmt.Sprintf("worker=localhost:%d", port)
	go run([]string{"worker", "-cluster", spec}) // serves until the test process ends
	s := op.NewScope().WithDevice("/job:worker/task:0")
	y := op.Mul(s, op.Const(s.SubScope("a"), []float64{1, 2}), op.Const(s.SubScope("b"), 3.0))
	g, err := s.Finalize()
	if err != nil {
		t.Fatal(err)
	}
	var out []*tf.Tensor
	for try := 0; try < 50; try++ { // the worker starts in the background
		sess, err := tfops.NewSession(g, &tfops.Options{Target: "grpc://" + strings.TrimPrefix(spec, "worker=")})
		if err == nil {
			out, err = sess.Run(nil, []tf.Output{y}, nil)
			sess.Close()
		}
		if err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if out == nil {
		t.Fatal("no result from the worker")
	}
	if v, _ := tfops.Values[float64](out[0]); !slices.Equal(v, []float64{3, 6}) {
		t.Errorf("the worker computed %v, want [3 6]", v)
	}
	var code int
	msg := captureStderr(t, func() { code = run([]string{"worker", "-cluster", spec}) })
	if code != 2 || !strings.Contains(msg, "-cluster") || !strings.Contains(msg, fmt.Sprintf("another process listens on port %d", port)) || strings.Contains(msg, "{") {
		t.Errorf("a second worker on port %d: exit %d, %q; want 2 naming -cluster and the port in use", port, code, msg)
	}
	for _, bad := range []struct {
		args []string
		flag string
	}{
		{[]string{"-cluster", "worker"}, "-cluster"},
		{[]string{"-cluster", "worker=localhost:x"}, "-cluster"},
		{[]string{"-cluster", ""}, "-cluster"},
		{[]string{"-cluster", spec, "-task", "3"}, "-task"},
		{[]string{"-cluster", spec, "-job", "ps"}, "-job"},
	} {
		msg := captureStderr(t, func() { code = run(append([]string{"worker"}, bad.args...)) })
		if code != 2 || !strings.Contains(msg, bad.flag) {
			t.Errorf("bm worker %v: exit %d, %q; want 2 naming %s", bad.args, code, msg, bad.flag)
		}
	}
}
