package main

import (
	"cmp"
	"errors"
	"flag"
	"fmt"
	"slices"
	"strings"
	"time"

	pb "github.com/galeone/tensorflow/tensorflow/go/core/protobuf/for_core_protos_go_proto"

	"github.com/boltzmann-go/boltzmann/crbm"
	"github.com/boltzmann-go/boltzmann/pipeline"
	"github.com/boltzmann-go/boltzmann/tfops"
)

// device places a model that a command loads: -gpu and -threads, instead of the device the
// model was trained on, or a TensorFlow cluster (see cluster).
type device struct {
	gpu     string
	threads int
	cluster
}

// register adds the flags; split says what the command shares out among a cluster's tasks.
func (d *device) register(fs *flag.FlagSet, split string) {
	fs.StringVar(&d.gpu, "gpu", "", "GPU ids to run the model on, e.g. 0; empty means CPU")
	fs.IntVar(&d.threads, "threads", 0, "TensorFlow intra-op threads (0: one per core)")
	d.cluster.register(fs, split)
}

// check reports bad placement flags as usage errors naming the flag.
func (d *device) check() error {
	if d.threads < 0 {
		return flagErr("threads", "%d, want ≥ 0 (0: one per core)", d.threads)
	}
	if _, err := tfops.ConfigProto(&tfops.Options{GPU: d.gpu}); err != nil {
		return flagErr("gpu", "%v", err)
	}
	return d.cluster.check(d.gpu)
}

// features returns the settings of a featurizer of layer on this device.
func (d *device) features(layer string) (pipeline.Features, error) {
	target, _, err := d.plan()
	return pipeline.Features{Layer: layer, GPU: d.gpu, Threads: d.threads, Target: target}, err
}

// placement is where the flags place a model.
func (d *device) placement() (pipeline.Placement, error) {
	target, _, err := d.plan()
	return pipeline.Placement{GPU: d.gpu, Target: target, Threads: d.threads}, err
}

// open loads the model in dir on d (pipeline.OpenModel), after checking the device flags, and
// refuses one whose trained tensors are not finite.
func (d *device) open(dir string) (pipeline.Model, error) {
	if err := d.check(); err != nil {
		return nil, err
	}
	p, err := d.placement()
	if err != nil {
		return nil, err
	}
	m, err := pipeline.OpenModel(dir, p)
	if err != nil {
		return nil, err
	}
	if err := pipeline.CheckFinite(dir, m); err != nil {
		m.Close()
		return nil, err
	}
	return m, nil
}

// loadCRBM loads a classification RBM with -threads; it runs on this process's CPU only (it is
// no pipeline.Model: bm info and bm export open it by this separate path).
func (d *device) loadCRBM(dir string) (*crbm.CRBM, error) {
	target, _, err := d.plan()
	switch {
	case err != nil:
		return nil, err
	case target != "" || d.gpu != "":
		return nil, flagErr("model", "%s holds a classification RBM, which runs on this process's CPU only (no -gpu, -cluster or -target)", dir)
	}
	return crbm.Load(dir, d.threads)
}

// cluster runs a command's model on a TensorFlow cluster of bm workers (docs/SCALING.md):
// -cluster names the cluster, whose task 0 of -job holds the model, and the command shares its
// work among the job's tasks; -target names one server that runs everything.
type cluster struct {
	spec    string
	job     string
	target  string
	timeout time.Duration // -cluster-timeout: the longest one TensorFlow run may wait on the cluster
	// timeoutText is --cluster-timeout as the original's programs' parser reads it.
	timeoutText string
	long        bool // the flags are spelled --cluster, as in the original's programs
}

// defaultClusterTimeout is -cluster-timeout's default: far longer than any one run of bm's
// (a chunk of updates, of AIS steps or of rows takes seconds), short enough that a hung task is
// noticed within the hour.
const defaultClusterTimeout = 10 * time.Minute

// clusterTimeoutHelp is the help of -cluster-timeout.
const clusterTimeoutHelp = "with a cluster or a target: the longest one TensorFlow run (a chunk of updates, of AIS steps, of rows) may wait on it before the command fails, so that a hung or unreachable task ends the run with an error; 0: no limit"

// flagErr is flagErr naming the flag as the command spells it.
func (c *cluster) flagErr(name, format string, args ...any) error {
	if c.long {
		name = "-" + name
	}
	return flagErr(name, format, args...)
}

func (c *cluster) register(fs *flag.FlagSet, split string) {
	fs.StringVar(&c.spec, "cluster", "", "run on a TensorFlow cluster of bm workers: job=host:port[,host:port…][;job=…] or a TF_CONFIG JSON file; the model lives on task 0 of -job and "+split+" (docs/SCALING.md)")
	fs.StringVar(&c.job, "job", "worker", "with -cluster: the job whose tasks do the work")
	fs.StringVar(&c.target, "target", "", "run the model's session on one TensorFlow server, grpc://host:port (nothing split)")
	fs.DurationVar(&c.timeout, "cluster-timeout", defaultClusterTimeout, clusterTimeoutHelp)
}

// check reports bad cluster flags, or a -gpu (non-empty gpu) beside them, naming the flag.
func (c *cluster) check(gpu string) error {
	switch {
	case c.spec != "" && c.target != "":
		return c.flagErr("target", "%q with -cluster: give one of them", c.target)
	case c.target != "" && !strings.HasPrefix(c.target, "grpc://"):
		return c.flagErr("target", "%q, want grpc://host:port", c.target)
	case gpu != "" && (c.spec != "" || c.target != ""):
		return c.flagErr("gpu", "%q places the model in this process; on a cluster the workers' devices are used", gpu)
	case c.spec == "" && c.job != "worker":
		return c.flagErr("job", "%q without -cluster: name the cluster whose job it is", c.job)
	case c.timeout < 0:
		return c.flagErr("cluster-timeout", "%v, want a duration ≥ 0 (0: no limit)", c.timeout)
	}
	if c.spec == "" && c.target == "" {
		if err := tfops.CheckGPUs(gpu); err != nil {
			return c.flagErr("gpu", "%v", err)
		}
	}
	if _, _, err := c.plan(); err != nil {
		return err
	}
	if c.spec != "" || c.target != "" {
		tfops.SetDefaultTimeout(c.timeout) // every model's session on the cluster
	}
	return nil
}

// plan returns the session target and the devices of the cluster's tasks of -job, in task
// order ("" and nil without -cluster; -target alone gives its target and no devices).
func (c *cluster) plan() (target string, devices []string, err error) {
	if c.spec == "" {
		return c.target, nil, nil
	}
	cd, err := tfops.ParseCluster(c.spec)
	if err != nil {
		return "", nil, c.flagErr("cluster", "%v", err)
	}
	i := slices.IndexFunc(cd.Job, func(j *pb.JobDef) bool { return j.Name == c.job })
	if i < 0 {
		return "", nil, c.flagErr("job", "%q is not a job of the cluster %s", c.job, c.spec)
	}
	tasks := cd.Job[i].Tasks
	if len(tasks) == 0 {
		return "", nil, c.flagErr("cluster", "job %s has no tasks", c.job)
	}
	for t := range len(tasks) {
		if _, ok := tasks[int32(t)]; !ok {
			return "", nil, c.flagErr("cluster", "job %s has no task %d: its tasks must be numbered 0…%d", c.job, t, len(tasks)-1)
		}
		devices = append(devices, fmt.Sprintf("/job:%s/task:%d", c.job, t))
	}
	return "grpc://" + tasks[0], devices, nil
}

// wrap says where err happened when the command ran on a cluster; other errors, usage errors
// and nil pass unchanged.
func (c *cluster) wrap(err error) error {
	var ue usageError
	if err == nil || errors.As(err, &ue) || (c.spec == "" && c.target == "") {
		return err
	}
	if errors.Is(err, tfops.ErrTimeout) {
		return fmt.Errorf("on the cluster %s: a task did not answer within -cluster-timeout %v (hung, unreachable or overloaded?): %w", cmp.Or(c.spec, c.target), c.timeout, err)
	}
	return fmt.Errorf("on the cluster %s: %w", cmp.Or(c.spec, c.target), err)
}
