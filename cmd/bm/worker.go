package main

import (
	"errors"
	"log"
	"os"
	"os/signal"
	"slices"
	"syscall"

	pb "github.com/galeone/tensorflow/tensorflow/go/core/protobuf/for_core_protos_go_proto"

	"github.com/boltzmann-go/boltzmann/tfops"
)

func cmdWorker(args []string) int {
	fs := newFlagSet("worker", "bm worker -cluster SPEC [-job worker] [-task N]")
	cluster := fs.String("cluster", "", "the cluster: job=host:port[,host:port…][;job=…], or a JSON file in the TF_CONFIG form ({\"cluster\": {\"worker\": [\"host:port\", …]}})")
	job := fs.String("job", "worker", "this task's job in the cluster")
	task := fs.Int("task", 0, "this task's index in its job")
	return command("worker", fs, args, func() error { return worker(*cluster, *job, *task) })
}

// worker serves one task of a TensorFlow cluster (TensorFlow's gRPC server) until the process is
// stopped: sessions of other processes run the graph parts placed on /job:<job>/task:<task> here.
func worker(spec, job string, task int) error {
	if spec == "" {
		return flagErr("cluster", "empty: name the cluster's tasks, e.g. worker=localhost:2222,localhost:2223")
	}
	if task < 0 {
		return flagErr("task", "%d, want ≥ 0", task)
	}
	c, err := tfops.ParseCluster(spec)
	if err != nil {
		return flagErr("cluster", "%v", err)
	}
	if !slices.ContainsFunc(c.Job, func(j *pb.JobDef) bool { return j.Name == job }) {
		return flagErr("job", "%q is not a job of the cluster %s", job, spec)
	}
	srv, err := tfops.NewServer(c, job, task)
	if errors.Is(err, tfops.ErrClusterSpec) {
		return flagErr("task", "%v", err)
	}
	if errors.Is(err, tfops.ErrPortInUse) {
		return flagErr("cluster", "%v", err)
	}
	if err != nil {
		return err // e.g. the port is taken
	}
	log.Printf("serving /job:%s/task:%d at %s; stop with Ctrl-C", job, task, srv.Target())
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- srv.Join() }()
	select {
	case <-stop:
		log.Printf("stopped")
		return nil
	case err := <-done:
		return err
	}
}
