package tfops

import (
	"cmp"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	pb "github.com/galeone/tensorflow/tensorflow/go/core/protobuf/for_core_protos_go_proto"
	"github.com/galeone/tensorflow/tensorflow/go/op"
	"google.golang.org/protobuf/proto"
)

// Options configure a Session. The zero value runs on the CPU with one intra-op thread per core
// and one inter-op thread.
type Options struct {
	// IntraOpThreads is the number of threads one op may use. Zero means runtime.NumCPU().
	IntraOpThreads int
	// InterOpThreads is the number of ops run at once. Zero means 1.
	InterOpThreads int
	// GPU selects devices as the original's --gpu flag: "" runs on the CPU only; "0" or "0,1"
	// makes those GPUs visible to TensorFlow.
	GPU string
	// DisableGrappler turns off TensorFlow's graph rewriting (Grappler). Its arithmetic rewrites
	// depend on the shapes it can infer, so a graph unrolled differently may round differently.
	DisableGrappler bool
	// Target is the TensorFlow runtime the session runs on: "" for this process, or a task of a
	// cluster, "grpc://host:port" (see Server).
	Target string
	// Timeout, with a Target, is the longest one Run (and the session's creation) may wait on
	// the cluster: past it the Run fails with a DeadlineExceeded error, so that a hung or
	// unreachable task ends the work with an error instead of a wait without end. Zero means
	// DefaultTimeout(); negative, no limit. Without a Target nothing is timed.
	Timeout time.Duration
}

// defaultTimeout is DefaultTimeout in nanoseconds.
var defaultTimeout atomic.Int64

// SetDefaultTimeout sets the Timeout of the sessions on a Target whose Options leave it zero —
// the models' sessions (rbm, dbm, mlp), which are opened from their Config's Target — for the
// whole process; bm's -cluster-timeout sets it. Zero, the default, means no limit.
func SetDefaultTimeout(d time.Duration) { defaultTimeout.Store(int64(max(d, 0))) }

// DefaultTimeout returns the timeout SetDefaultTimeout set (0: none).
func DefaultTimeout() time.Duration { return time.Duration(defaultTimeout.Load()) }

// ErrClosed is returned by Run on a closed Session.
var ErrClosed = errors.New("tfops: session is closed")

// A Session runs a graph. Unlike tf.Session it is closed only by Close, never by a finalizer,
// and it limits the C memory that fed and fetched tensors keep alive (see Run).
type Session struct {
	mu      sync.Mutex
	sess    *tf.Session
	pending int64         // bytes of tensors crossed since the last GC
	timeout time.Duration // the deadline of each Run on a cluster (0: none)
}

// gcEvery is the number of bytes of feeds and fetches after which Run asks the Go runtime to
// collect garbage. Tensors live in C memory that the Go GC cannot see and frees only through
// finalizers, so without this a loop feeding large tensors grows without bound.
const gcEvery = 32 << 20

// NewSession opens a session on g. opts may be nil.
func NewSession(g *tf.Graph, opts *Options) (*Session, error) {
	if opts == nil {
		opts = &Options{}
	}
	cfg, err := ConfigProto(opts)
	if err != nil {
		return nil, err
	}
	s, err := tf.NewSession(g, &tf.SessionOptions{Config: cfg, Target: opts.Target})
	if err != nil {
		return nil, fmt.Errorf("tfops: new session: %w", timedOut(opts.timeout(), err))
	}
	return &Session{sess: s, timeout: opts.timeout()}, nil
}

// ErrTimeout reports a Run on a cluster that did not finish within its Options.Timeout.
var ErrTimeout = errors.New("no answer within the timeout")

// timeout is the deadline of each Run: Timeout or DefaultTimeout with a Target, else none (0).
func (o *Options) timeout() time.Duration {
	if t := cmp.Or(o.Timeout, DefaultTimeout()); o.Target != "" && t > 0 {
		return t
	}
	return 0
}

// timedOut marks err as ErrTimeout when it is TensorFlow's deadline error of a session with a
// timeout.
func timedOut(timeout time.Duration, err error) error {
	if timeout > 0 && strings.Contains(err.Error(), "Deadline Exceeded") {
		return fmt.Errorf("%w (%v): %w", ErrTimeout, timeout, err)
	}
	return err
}

// ConfigProto returns the serialized tensorflow.ConfigProto for opts.
func ConfigProto(opts *Options) ([]byte, error) {
	intra, inter := opts.IntraOpThreads, opts.InterOpThreads
	if intra < 0 || inter < 0 {
		return nil, fmt.Errorf("tfops: negative thread count (intra %d, inter %d)", intra, inter)
	}
	if intra == 0 {
		intra = runtime.NumCPU()
	}
	if inter == 0 {
		inter = 1
	}
	c := &pb.ConfigProto{
		IntraOpParallelismThreads: int32(intra),
		InterOpParallelismThreads: int32(inter),
	}
	if timeout := opts.timeout(); timeout > 0 {
		// The gRPC session's deadline for each Run and for its creation.
		c.OperationTimeoutInMs = max(timeout.Milliseconds(), 1)
	}
	if opts.DisableGrappler {
		c.GraphOptions = &pb.GraphOptions{RewriteOptions: &pb.RewriterConfig{DisableMetaOptimizer: true}}
	}
	// On a cluster the workers outlive sessions and serve several clients: each session keeps
	// its variables to itself (the same variable names from two processes would otherwise be one
	// variable on a worker) and frees them when it closes.
	c.IsolateSessionState = opts.Target != ""
	if opts.GPU == "" {
		c.DeviceCount = map[string]int32{"GPU": 0}
	} else {
		for _, id := range strings.Split(opts.GPU, ",") {
			if id == "" || strings.Trim(id, "0123456789") != "" {
				return nil, fmt.Errorf("tfops: bad GPU list %q (want \"\" for CPU, or ids like \"0\" or \"0,1\")", opts.GPU)
			}
		}
		c.GpuOptions = &pb.GPUOptions{VisibleDeviceList: opts.GPU, AllowGrowth: true}
		c.AllowSoftPlacement = true
	}
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(c)
	if err != nil {
		return nil, fmt.Errorf("tfops: marshal ConfigProto: %w", err)
	}
	return b, nil
}

// Run feeds, fetches and runs targets like tf.Session.Run. Errors name the fetches and targets.
// It may be called from several goroutines. Once the tensors it has seen add up to 32 MiB it
// runs the Go garbage collector, so that their C memory is released.
func (s *Session) Run(feeds map[tf.Output]*tf.Tensor, fetches []tf.Output, targets []*tf.Operation) ([]*tf.Tensor, error) {
	s.mu.Lock()
	sess := s.sess
	s.mu.Unlock()
	if sess == nil {
		return nil, ErrClosed
	}
	out, err := sess.Run(feeds, fetches, targets)
	if err != nil {
		return nil, fmt.Errorf("tfops: run %s: %w", describe(fetches, targets), timedOut(s.timeout, err))
	}
	var n int64
	for _, t := range feeds {
		n += tensorBytes(t)
	}
	for _, t := range out {
		n += tensorBytes(t)
	}
	s.mu.Lock()
	s.pending += n
	collect := s.pending > gcEvery
	if collect {
		s.pending = 0
	}
	s.mu.Unlock()
	if collect {
		runtime.GC()
	}
	return out, nil
}

// Devices lists the devices the session sees.
func (s *Session) Devices() ([]tf.Device, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.sess == nil {
		return nil, ErrClosed
	}
	d, err := s.sess.ListDevices()
	if err != nil {
		return nil, fmt.Errorf("tfops: list devices: %w", err)
	}
	return d, nil
}

// Close releases the session. It waits for running calls to Run and may be called more than once.
func (s *Session) Close() error {
	s.mu.Lock()
	sess := s.sess
	s.sess = nil
	s.mu.Unlock()
	if sess == nil {
		return nil
	}
	if err := sess.Close(); err != nil {
		return fmt.Errorf("tfops: close session: %w", err)
	}
	return nil
}

func tensorBytes(t *tf.Tensor) int64 {
	if t == nil {
		return 0
	}
	n := int64(8)
	if t.DataType() == tf.Float {
		n = 4
	}
	for _, d := range t.Shape() {
		n *= d
	}
	return n
}

func describe(fetches []tf.Output, targets []*tf.Operation) string {
	var parts []string
	for i, f := range fetches {
		if i == 4 {
			parts = append(parts, fmt.Sprintf("… (%d fetches)", len(fetches)))
			break
		}
		if f.Op != nil {
			parts = append(parts, fmt.Sprintf("%s:%d", f.Op.Name(), f.Index))
		}
	}
	for i, t := range targets {
		if i == 4 {
			parts = append(parts, fmt.Sprintf("… (%d targets)", len(targets)))
			break
		}
		if t != nil {
			parts = append(parts, t.Name())
		}
	}
	if len(parts) == 0 {
		return "(nothing)"
	}
	return strings.Join(parts, ", ")
}

// InitVariables runs the initializers of vars with the given values (same order).
func InitVariables(sess *Session, vars []*Variable, values []*tf.Tensor) error {
	if len(vars) != len(values) {
		return fmt.Errorf("tfops: init variables: %d variables, %d values", len(vars), len(values))
	}
	feeds := make(map[tf.Output]*tf.Tensor, len(vars))
	ops := make([]*tf.Operation, len(vars))
	for i, v := range vars {
		feeds[v.InitValue] = values[i]
		ops[i] = v.Init
	}
	if _, err := sess.Run(feeds, nil, ops); err != nil {
		return fmt.Errorf("tfops: init variables: %w", err)
	}
	return nil
}

// RunValues checks s for graph-building errors, runs sess and converts every fetch to float64
// values; errors are prefixed with pkg.
func RunValues(pkg string, s *op.Scope, sess *Session, feeds map[tf.Output]*tf.Tensor, fetches []tf.Output, targets []*tf.Operation) ([][]float64, error) {
	if err := s.Err(); err != nil {
		return nil, fmt.Errorf("%s: build graph: %w", pkg, err)
	}
	res, err := sess.Run(feeds, fetches, targets)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", pkg, err)
	}
	out := make([][]float64, len(res))
	for i, r := range res {
		if out[i], err = Values[float64](r); err != nil {
			return nil, fmt.Errorf("%s: %w", pkg, err)
		}
	}
	return out, nil
}
