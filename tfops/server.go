package tfops

/*
#cgo LDFLAGS: -ltensorflow
#include <stdlib.h>
#include "tensorflow/c/c_api.h"
*/
import "C"

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"unsafe"

	pb "github.com/galeone/tensorflow/tensorflow/go/core/protobuf/for_core_protos_go_proto"
	"google.golang.org/protobuf/proto"
)

// ErrClusterSpec reports a malformed cluster specification.
var ErrClusterSpec = errors.New("bad cluster spec")

// ErrPortInUse reports a task whose port another process listens on.
var ErrPortInUse = errors.New("port in use")

// A Server is a task of a TensorFlow cluster running in this process: TensorFlow's own gRPC
// server (TF_NewServer), which runs the parts of graphs that sessions place on its device
// ("/job:<job>/task:<i>"). The Go bindings do not wrap it; this does.
type Server struct {
	mu sync.Mutex
	c  *C.TF_Server
}

// NewServer starts the task job/task of cluster (see ParseCluster) on the port the cluster
// gives it. A port in use, or a task the cluster does not have, is an error.
func NewServer(cluster *pb.ClusterDef, job string, task int) (*Server, error) {
	def := &pb.ServerDef{Cluster: cluster, JobName: job, TaskIndex: int32(task), Protocol: "grpc"}
	if err := checkTask(cluster, job, task); err != nil {
		return nil, err
	}
	if err := checkPort(cluster, job, task); err != nil {
		return nil, err
	}
	b, err := proto.Marshal(def)
	if err != nil {
		return nil, fmt.Errorf("tfops: server def: %w", err)
	}
	st := C.TF_NewStatus()
	defer C.TF_DeleteStatus(st)
	var ptr unsafe.Pointer
	if len(b) > 0 {
		ptr = C.CBytes(b)
		defer C.free(ptr)
	}
	c := C.TF_NewServer(ptr, C.size_t(len(b)), st)
	if err := statusErr(st); err != nil {
		return nil, fmt.Errorf("tfops: new server /job:%s/task:%d: %w", job, task, err)
	}
	s := &Server{c: c}
	C.TF_ServerStart(c, st)
	if err := statusErr(st); err != nil {
		C.TF_DeleteServer(c)
		return nil, fmt.Errorf("tfops: start server /job:%s/task:%d: %w", job, task, err)
	}
	return s, nil
}

func statusErr(st *C.TF_Status) error {
	if C.TF_GetCode(st) == C.TF_OK {
		return nil
	}
	return errors.New(C.GoString(C.TF_Message(st)))
}

// Target returns the address sessions use to run on this server ("grpc://host:port"): Options.Target.
func (s *Server) Target() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.c == nil {
		return ""
	}
	return C.GoString(C.TF_ServerTarget(s.c))
}

// Join blocks until the server stops.
func (s *Server) Join() error {
	s.mu.Lock()
	c := s.c
	s.mu.Unlock()
	if c == nil {
		return ErrClosed
	}
	st := C.TF_NewStatus()
	defer C.TF_DeleteStatus(st)
	C.TF_ServerJoin(c, st)
	return statusErr(st)
}

// Close stops the server and frees it. TensorFlow's gRPC server cannot stop in-process
// (TF_ServerStop reports Unimplemented); Close then leaves it running until the process exits.
func (s *Server) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.c == nil {
		return nil
	}
	st := C.TF_NewStatus()
	defer C.TF_DeleteStatus(st)
	C.TF_ServerStop(s.c, st)
	if err := statusErr(st); err != nil {
		return nil // still serving; freeing it now would pull the server from under its threads
	}
	C.TF_DeleteServer(s.c)
	s.c = nil
	return nil
}

// ParseCluster reads a cluster specification: "job=host:port[,host:port…][;job=…]" (task i of
// a job is its i-th address), or the path of a JSON file holding a TF_CONFIG-style object whose
// "cluster" maps job names to address lists (or the object itself). Errors wrap ErrClusterSpec
// and name the part at fault.
func ParseCluster(spec string) (*pb.ClusterDef, error) {
	jobs := map[string][]string{}
	if strings.HasSuffix(spec, ".json") {
		b, err := os.ReadFile(spec)
		if err != nil {
			return nil, fmt.Errorf("tfops: cluster spec: %w", err)
		}
		var cfg struct {
			Cluster map[string][]string `json:"cluster"`
		}
		if err := json.Unmarshal(b, &cfg); err != nil || cfg.Cluster == nil {
			if err := json.Unmarshal(b, &jobs); err != nil {
				return nil, fmt.Errorf("tfops: cluster spec %s: not {\"cluster\": {job: [addresses]}}: %w", spec, ErrClusterSpec)
			}
		} else {
			jobs = cfg.Cluster
		}
	} else {
		for _, part := range strings.Split(spec, ";") {
			job, addrs, ok := strings.Cut(part, "=")
			if !ok || strings.TrimSpace(job) == "" {
				return nil, fmt.Errorf("tfops: cluster spec %q: part %q is not job=host:port,…: %w", spec, part, ErrClusterSpec)
			}
			jobs[strings.TrimSpace(job)] = strings.Split(addrs, ",")
		}
	}
	if len(jobs) == 0 {
		return nil, fmt.Errorf("tfops: cluster spec %q: no jobs: %w", spec, ErrClusterSpec)
	}
	c := &pb.ClusterDef{}
	for job, addrs := range jobs {
		jd := &pb.JobDef{Name: job, Tasks: map[int32]string{}}
		for i, a := range addrs {
			a = strings.TrimSpace(a)
			host, port, ok := strings.Cut(a, ":")
			if p, err := strconv.Atoi(port); !ok || host == "" || err != nil || p < 1 || p > 65535 {
				return nil, fmt.Errorf("tfops: cluster spec: job %s task %d: address %q is not host:port: %w", job, i, a, ErrClusterSpec)
			}
			jd.Tasks[int32(i)] = a
		}
		c.Job = append(c.Job, jd)
	}
	return c, nil
}

// checkTask reports a job or task the cluster does not have.
func checkTask(c *pb.ClusterDef, job string, task int) error {
	for _, j := range c.GetJob() {
		if j.Name == job {
			if _, ok := j.Tasks[int32(task)]; !ok {
				return fmt.Errorf("tfops: cluster job %s has %d tasks, no task %d: %w", job, len(j.Tasks), task, ErrClusterSpec)
			}
			return nil
		}
	}
	return fmt.Errorf("tfops: cluster has no job %q: %w", job, ErrClusterSpec)
}

// checkPort tries to listen where the task's gRPC server will (every interface, the task's
// port) and reports a port another process holds as ErrPortInUse. TensorFlow's own refusal
// would come as gRPC's internal error tree printed to stderr and "Could not start gRPC server".
func checkPort(c *pb.ClusterDef, job string, task int) error {
	var addr string
	for _, j := range c.GetJob() {
		if j.Name == job {
			addr = j.Tasks[int32(task)]
		}
	}
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("tfops: cluster job %s task %d: address %q: %v: %w", job, task, addr, err, ErrClusterSpec)
	}
	l, err := net.Listen("tcp", ":"+port)
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return fmt.Errorf("tfops: /job:%s/task:%d: %s: another process listens on port %s: %w", job, task, addr, port, ErrPortInUse)
		}
		return fmt.Errorf("tfops: /job:%s/task:%d: listen on port %s: %w", job, task, port, err)
	}
	return l.Close()
}
