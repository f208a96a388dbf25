package main

import (
	"encoding/json"
	"fmt"
	"math"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/boltzmann-go/boltzmann/internal/loopback"
	"github.com/boltzmann-go/boltzmann/rbm"
	"github.com/boltzmann-go/boltzmann/tfops"
)

// startWorkers starts n `bm worker` processes (this test binary as bm) serving the tasks of a
// loopback "worker" job, waits until each accepts connections and returns the cluster spec and
// the processes (killed at the end of the test).
func startWorkers(t *testing.T, n int) (string, []*exec.Cmd) {
	t.Helper()
	addrs := loopback.Addrs(t, n)
	spec := "worker=" + strings.Join(addrs, ",")
	var procs []*exec.Cmd
	for i := range n {
		cmd := exec.Command(os.Args[0], "-test.run=^TestHelperBM$", "--", "worker", "-cluster", spec, "-task", fmt.Sprint(i))
		cmd.Env = append(os.Environ(), "BM_HELPER=1")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
		procs = append(procs, cmd)
	}
	for _, a := range addrs {
		deadline := time.Now().Add(20 * time.Second)
		for {
			c, err := net.Dial("tcp", a)
			if err == nil {
				c.Close()
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("worker at %s did not start: %v", a, err)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	return spec, procs
}

// tinyRBM trains a 16×6 RBM on 60 small images for one epoch with bm train and returns its model
// folder.
func tinyRBM(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	data := filepath.Join(dir, "images.idx")
	writeIDX(t, data, 60, 4, 4)
	out := filepath.Join(dir, "rbm")
	if code := run([]string{"train", "-data", data, "-n-train", "50", "-n-val", "10", "-n-hidden", "6", "-epochs", "1",
		"-out", out, "-samples", "0", "-quiet"}); code != 0 {
		t.Fatalf("bm train exited %d", code)
	}
	return filepath.Join(out, "model")
}

// readLogZ returns the log Z and the devices bm logz wrote into the model folder.
func readLogZ(t *testing.T, dir string) (float64, []string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "logz.json"))
	if err != nil {
		t.Fatal(err)
	}
	var r logzResult
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	return r.LogZ, r.Devices
}

// TestLogZOnCluster runs bm logz's AIS on two `bm worker` processes: the same log Ẑ as the same
// two blocks in this process; then a worker killed mid-run gives a clear error, quickly, and
// leaves the logz.json already saved as it was. Bad -cluster specs exit 2 naming the flag.
func TestLogZOnCluster(t *testing.T) {
	model := tinyRBM(t)
	logz := []string{"logz", "-model", model, "-betas", "1000", "-runs", "20", "-quiet"}
	if code := run(append(logz, "-blocks", "2")); code != 0 {
		t.Fatalf("bm logz -blocks 2 exited %d", code)
	}
	local, _ := readLogZ(t, model)

	spec, workers := startWorkers(t, 2)
	if code := run(append(logz, "-cluster", spec)); code != 0 {
		t.Fatalf("bm logz -cluster exited %d", code)
	}
	remote, devices := readLogZ(t, model)
	if remote != local || len(devices) != 2 || devices[1] != "/job:worker/task:1" {
		t.Errorf("on the cluster log Ẑ %.17g on %v; in this process %.17g", remote, devices, local)
	}

	saved, err := os.ReadFile(filepath.Join(model, "logz.json"))
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan string)
	go func() {
		var code int
		msg := captureStderr(t, func() {
			code = run([]string{"logz", "-model", model, "-betas", "10000000", "-runs", "20", "-quiet", "-cluster", spec})
		})
		done <- fmt.Sprintf("exit %d: %s", code, msg)
	}()
	time.Sleep(2 * time.Second)
	workers[1].Process.Kill()
	select {
	case got := <-done:
		if !strings.HasPrefix(got, "exit 1") || !strings.Contains(got, "cluster") {
			t.Errorf("bm logz with a worker killed: %s", got)
		}
		t.Logf("bm logz with a worker killed: %s", got)
	case <-time.After(60 * time.Second):
		t.Fatalf("bm logz still running 60 s after a worker was killed")
	}
	if now, _ := os.ReadFile(filepath.Join(model, "logz.json")); string(now) != string(saved) {
		t.Errorf("logz.json changed by the failed run")
	}

	for _, bad := range [][]string{{"-cluster", "worker"}, {"-cluster", spec, "-job", "ps"}, {"-cluster", spec, "-target", "grpc://x:1"},
		{"-target", "localhost:1"}, {"-cluster", spec, "-gpu", "0"}} {
		var code int
		msg := captureStderr(t, func() { code = run(append(slices.Clone(logz), bad...)) })
		if code != 2 || !strings.Contains(msg, "-"+strings.TrimPrefix(bad[len(bad)-2], "-")) {
			t.Errorf("bm logz %v: exit %d, %s", bad, code, msg)
		}
	}
}

// TestLogZHungWorker stops (SIGSTOP) a `bm worker` in the middle of bm logz's AIS: the worker
// neither answers nor closes its connections, so without a deadline the run would wait for it
// forever. With -cluster-timeout 3s bm logz must fail with an error naming the cluster and the
// timeout, within seconds of it.
func TestLogZHungWorker(t *testing.T) {
	model := tinyRBM(t)
	defer tfops.SetDefaultTimeout(0) // the flag sets it for the process; other tests run after this one
	spec, workers := startWorkers(t, 2)
	done := make(chan string)
	start := time.Now()
	go func() {
		var code int
		msg := captureStderr(t, func() {
			code = run([]string{"logz", "-model", model, "-betas", "10000000", "-runs", "20", "-quiet",
				"-cluster", spec, "-cluster-timeout", "3s"})
		})
		done <- fmt.Sprintf("exit %d: %s", code, msg)
	}()
	time.Sleep(2 * time.Second)
	if err := workers[1].Process.Signal(syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	stopped := time.Now()
	t.Cleanup(func() { workers[1].Process.Signal(syscall.SIGCONT) })
	select {
	case got := <-done:
		if !strings.HasPrefix(got, "exit 1") || !strings.Contains(got, "did not answer within -cluster-timeout 3s") {
			t.Errorf("bm logz with a hung worker: %s", got)
		}
		t.Logf("bm logz with a hung worker, %.1f s after the stop (%.1f s in all): %s", time.Since(stopped).Seconds(), time.Since(start).Seconds(), got)
	case <-time.After(60 * time.Second):
		t.Fatalf("bm logz still running 60 s after a worker was stopped, with -cluster-timeout 3s")
	}
	var code int
	msg := captureStderr(t, func() {
		code = run([]string{"logz", "-model", model, "-cluster", spec, "-cluster-timeout", "-1s"})
	})
	if code != 2 || !strings.Contains(msg, "-cluster-timeout") {
		t.Errorf("-cluster-timeout -1s: exit %d, %s", code, msg)
	}
}

// TestTrainOnCluster trains an RBM with bm train -cluster on two `bm worker` processes: the
// weights of training in this process within float rounding (float64; the gradients' row sums
// are added in another order). Then a worker killed mid-training stops bm train with a clear
// error and leaves the last epoch's model whole: it loads, at the epoch its model.json names.
func TestTrainOnCluster(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "images.idx")
	writeIDX(t, data, 120, 4, 4)
	train := func(out string, extra ...string) []string {
		return append([]string{"train", "-data", data, "-n-train", "100", "-n-val", "20", "-n-hidden", "6",
			"-dtype", "float64", "-out", filepath.Join(dir, out), "-samples", "0", "-filters", "0", "-quiet"}, extra...)
	}
	weightsOf := func(out string) ([]float64, int) {
		m, err := rbm.Load(filepath.Join(dir, out, "model"))
		if err != nil {
			t.Fatal(err)
		}
		defer m.Close()
		w, vb, hb, err := m.Weights()
		if err != nil {
			t.Fatal(err)
		}
		return slices.Concat(w, vb, hb), m.Epoch()
	}
	if code := run(train("local", "-epochs", "2")); code != 0 {
		t.Fatalf("bm train exited %d", code)
	}
	spec, workers := startWorkers(t, 2)
	if code := run(train("cluster", "-epochs", "2", "-cluster", spec)); code != 0 {
		t.Fatalf("bm train -cluster exited %d", code)
	}
	want, _ := weightsOf("local")
	got, _ := weightsOf("cluster")
	for i := range got {
		if math.Abs(got[i]-want[i]) > 1e-12 {
			t.Fatalf("weight %d on the cluster %v, in one process %v", i, got[i], want[i])
		}
	}

	done := make(chan string)
	go func() {
		var code int
		msg := captureStderr(t, func() { code = run(train("killed", "-epochs", "100000", "-cluster", spec)) })
		done <- fmt.Sprintf("exit %d: %s", code, msg)
	}()
	for start := time.Now(); ; time.Sleep(50 * time.Millisecond) {
		if _, err := os.Stat(filepath.Join(dir, "killed", "model", "model.json")); err == nil {
			break
		}
		if time.Since(start) > 30*time.Second {
			t.Fatal("no model saved after 30 s")
		}
	}
	workers[1].Process.Kill()
	select {
	case got := <-done:
		if !strings.HasPrefix(got, "exit 1") || !strings.Contains(got, "on the cluster") {
			t.Errorf("bm train with a worker killed: %s", got)
		}
	case <-time.After(60 * time.Second):
		t.Fatalf("bm train still running 60 s after a worker was killed")
	}
	if _, epoch := weightsOf("killed"); epoch < 1 {
		t.Errorf("the model saved before the worker was killed is at epoch %d", epoch)
	}
}

// TestDBMOnCluster runs the whole bm dbm pipeline with -cluster on two `bm worker` processes
// (pretraining data-parallel, joint training on task 0, AIS in two blocks on the two tasks):
// every stage runs and results.json gets its log Ẑ.
func TestDBMOnCluster(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "images.idx")
	writeIDX(t, data, 120, 4, 4)
	args := func(out string, extra ...string) []string {
		return append([]string{"dbm", "-data", data, "-n-train", "100", "-n-val", "20", "-n-hiddens", "6,4", "-dtype", "float64",
			"-rbm-epochs", "2,2", "-rbm-batch-size", "10,10", "-epochs", "2", "-batch-size", "10", "-n-particles", "10",
			"-max-mf-updates", "5", "-ais-betas", "100", "-ais-runs", "10", "-out", filepath.Join(dir, out), "-quiet"}, extra...)
	}
	spec, _ := startWorkers(t, 2)
	if code := run(args("cluster", "-cluster", spec)); code != 0 {
		t.Fatalf("bm dbm -cluster exited %d", code)
	}
	results := func(out string) map[string]any {
		b, err := os.ReadFile(filepath.Join(dir, out, "results.json"))
		if err != nil {
			t.Fatal(err)
		}
		var res map[string]any
		if err := json.Unmarshal(b, &res); err != nil {
			t.Fatal(err)
		}
		return res
	}
	got := results("cluster")
	if z, ok := got["log_z"].(float64); !ok || math.IsNaN(z) {
		t.Fatalf("results.json on the cluster: %v", got)
	}
}

// TestMNISTProgramsOnCluster runs the original's MNIST programs with --cluster on two
// `bm worker` processes, end to end: RBMs data-parallel, the DBM and the MLPs on task 0, AIS in
// blocks; each prints its test accuracy.
func TestMNISTProgramsOnCluster(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	writeLabeledMNIST(t, filepath.Join(data, "mnist"), 300, 60)
	spec, _ := startWorkers(t, 2)
	for _, args := range [][]string{
		{"rbm-mnist", "--data-path", data, "--n-train", "250", "--n-val", "50", "--n-hidden", "16", "--epochs", "1",
			"--model-dirpath", filepath.Join(dir, "rbm") + "/", "--mlp-epochs", "2", "--mlp-save-prefix", filepath.Join(dir, "rbm_"),
			"--export-dir", "", "--quiet", "--cluster", spec},
		{"dbm-mnist", "--data-path", data, "--n-train", "250", "--n-val", "50", "--n-hiddens", "12", "16",
			"--epochs", "1", "1", "1", "--batch-size", "25", "--n-particles", "20", "--max-mf-updates", "5",
			"--rbm1-dirpath", filepath.Join(dir, "m", "rbm1"), "--rbm2-dirpath", filepath.Join(dir, "m", "rbm2"), "--dbm-dirpath", filepath.Join(dir, "m", "dbm"),
			"--ais-betas", "100", "--ais-runs", "4", "--mlp-epochs", "2", "--mlp-save-prefix", filepath.Join(dir, "dbm_"), "--export-dir", "",
			"--quiet", "--cluster", spec},
	} {
		var code int
		stderr := captureStderr(t, func() { code = run(args) })
		if code != 0 || !strings.Contains(stderr, "test accuracy") {
			t.Errorf("bm %s --cluster: exit %d:\n%s", args[0], code, stderr)
		}
	}
}

// TestDBMCIFAROnCluster runs bm dbm-cifar with --cluster on two `bm worker` processes: the patch
// RBMs in this process, the Gaussian and multinomial RBMs data-parallel, the DBM and the MLP on
// task 0, AIS in blocks; every model and the fine-tuned predictions appear.
func TestDBMCIFAROnCluster(t *testing.T) {
	dir := t.TempDir()
	writeCIFAR(t, dir, 8)
	models := filepath.Join(dir, "models")
	spec, _ := startWorkers(t, 2)
	args := []string{"dbm-cifar", "--data-path", dir, "--n-train", "30", "--n-val", "6", "--small-epochs", "1", "--small-batch-size", "20",
		"--small-n-hidden", "3", "--small-jobs", "2", "--small-dirpath-prefix", filepath.Join(models, "small_"), "--n-hidden", "5",
		"--epochs", "1", "1", "1", "--batch-size", "30", "--n-particles", "10", "--max-mf-updates", "5", "--ais-betas", "100", "--ais-runs", "4",
		"--grbm-dirpath", filepath.Join(models, "grbm"), "--mrbm-dirpath", filepath.Join(models, "mrbm"), "--dbm-dirpath", filepath.Join(models, "dbm"),
		"--mlp-epochs", "2", "--mlp-batch-size", "50", "--mlp-save-prefix", filepath.Join(dir, "grbm_"), "--export-dir", "", "--quiet", "--cluster", spec}
	var code int
	stderr := captureStderr(t, func() { code = run(args) })
	if code != 0 {
		t.Fatalf("bm dbm-cifar --cluster exited %d:\n%s", code, stderr)
	}
	for _, f := range []string{"models/grbm/model/model.json", "models/mrbm/model/model.json", "models/dbm/model/model.json", "grbm_y_pred.npy"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("missing %s: %v", f, err)
		}
	}
}
