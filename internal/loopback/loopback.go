// Package loopback starts TensorFlow clusters on this machine's loopback interface inside a
// test process, for the tests of code that places work on a cluster's tasks.
package loopback

import (
	"fmt"
	"net"
	"strings"
	"testing"

	"github.com/boltzmann-go/boltzmann/tfops"
)

// Addrs returns n localhost addresses on ports nobody listens on (just now).
func Addrs(t testing.TB, n int) []string {
	t.Helper()
	var addrs []string
	for range n {
		l, err := net.Listen("tcp", "localhost:0")
		if err != nil {
			t.Fatal(err)
		}
		addrs = append(addrs, l.Addr().String())
		l.Close()
	}
	return addrs
}

// Cluster starts an n-task "worker" job in this process (TensorFlow's gRPC servers, stopped
// with the test) and returns the session target of task 0 and the device of every task.
func Cluster(t testing.TB, n int) (target string, devices []string) {
	t.Helper()
	cluster, err := tfops.ParseCluster("worker=" + strings.Join(Addrs(t, n), ","))
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		srv, err := tfops.NewServer(cluster, "worker", i)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { srv.Close() })
		if i == 0 {
			target = srv.Target()
		}
		devices = append(devices, fmt.Sprintf("/job:worker/task:%d", i))
	}
	return target, devices
}
