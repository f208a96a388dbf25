package main

import (
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"

	pb "github.com/galeone/tensorflow/tensorflow/go/core/protobuf/for_core_protos_go_proto"

	"github.com/boltzmann-go/boltzmann/dbm"
	"github.com/boltzmann-go/boltzmann/rbm"
	"github.com/boltzmann-go/boltzmann/tfops"
)

// device places a model that a command loads: -gpu and -threads, instead of the device the
// model was trained on, or a TensorFlow cluster (-cluster, -target; docs/SCALING.md).
type device struct {
	gpu     string
	threads int
	cluster string // cluster spec: the session targets the job's task 0; AIS splits across its tasks
	job     string
	target  string // grpc://host:port: the session runs there, nothing is split
}

func (d *device) register(fs *flag.FlagSet) {
	fs.StringVar(&d.gpu, "gpu", "", "GPU ids to run the model on, e.g. 0; empty means CPU")
	fs.IntVar(&d.threads, "threads", 0, "TensorFlow intra-op threads (0: one per core)")
	fs.StringVar(&d.cluster, "cluster", "", "run on a TensorFlow cluster of bm workers: job=host:port[,host:port…][;job=…] or a TF_CONFIG JSON file; the model lives on task 0 of -job, and AIS splits its runs into one block per task (docs/SCALING.md)")
	fs.StringVar(&d.job, "job", "worker", "with -cluster: the job whose tasks do the work")
	fs.StringVar(&d.target, "target", "", "run the model's session on one TensorFlow server, grpc://host:port (nothing split)")
}

// check reports bad placement flags as usage errors naming the flag.
func (d *device) check() error {
	if d.threads < 0 {
		return flagErr("threads", "%d, want ≥ 0 (0: one per core)", d.threads)
	}
	if _, err := tfops.ConfigProto(&tfops.Options{GPU: d.gpu}); err != nil {
		return flagErr("gpu", "%v", err)
	}
	switch {
	case d.cluster != "" && d.target != "":
		return flagErr("target", "%q with -cluster: give one of them", d.target)
	case d.target != "" && !strings.HasPrefix(d.target, "grpc://"):
		return flagErr("target", "%q, want grpc://host:port", d.target)
	case d.gpu != "" && (d.cluster != "" || d.target != ""):
		return flagErr("gpu", "%q places the model in this process; on a cluster the workers' devices are used", d.gpu)
	}
	if d.cluster != "" {
		if _, _, err := d.plan(); err != nil {
			return err
		}
	}
	return nil
}

// plan returns the session target and the devices of the cluster's tasks of -job, in task
// order ("" and nil without -cluster; -target alone gives its target and no devices).
func (d *device) plan() (target string, devices []string, err error) {
	if d.cluster == "" {
		return d.target, nil, nil
	}
	c, err := tfops.ParseCluster(d.cluster)
	if err != nil {
		return "", nil, flagErr("cluster", "%v", err)
	}
	i := slices.IndexFunc(c.Job, func(j *pb.JobDef) bool { return j.Name == d.job })
	if i < 0 {
		return "", nil, flagErr("job", "%q is not a job of the cluster %s", d.job, d.cluster)
	}
	tasks := c.Job[i].Tasks
	for t := range len(tasks) {
		if _, ok := tasks[int32(t)]; !ok {
			return "", nil, flagErr("cluster", "job %s has no task %d: its tasks must be numbered 0…%d", d.job, t, len(tasks)-1)
		}
		devices = append(devices, fmt.Sprintf("/job:%s/task:%d", d.job, t))
	}
	return "grpc://" + tasks[0], devices, nil
}

func (d *device) loadRBM(dir string) (*rbm.RBM, error) {
	if target, _, err := d.plan(); err != nil || target != "" {
		if err != nil {
			return nil, err
		}
		failFast()
		return rbm.LoadAt(dir, target, d.threads)
	}
	return rbm.LoadOn(dir, d.gpu, d.threads)
}

func (d *device) loadDBM(dir string) (*dbm.DBM, error) {
	if target, _, err := d.plan(); err != nil || target != "" {
		if err != nil {
			return nil, err
		}
		failFast()
		return dbm.LoadAt(dir, target, d.threads)
	}
	return dbm.LoadOn(dir, d.gpu, d.threads)
}

// failFast makes TensorFlow's gRPC calls fail at once when a task cannot be reached (a worker
// stopped mid-run) instead of waiting for it to come back, which they do by default, without
// end. GRPC_FAIL_FAST in the environment wins.
func failFast() {
	if _, set := os.LookupEnv("GRPC_FAIL_FAST"); !set {
		os.Setenv("GRPC_FAIL_FAST", "true")
	}
}
