package tfops

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	pb "github.com/galeone/tensorflow/tensorflow/go/core/protobuf/for_core_protos_go_proto"
	"github.com/galeone/tensorflow/tensorflow/go/op"
	"google.golang.org/protobuf/proto"
)

// TestVariablesAndCheckpoint initializes, updates, saves and restores variables of both dtypes.
func TestVariablesAndCheckpoint(t *testing.T) {
	for _, tc := range dtypes {
		t.Run(tc.name, func(t *testing.T) {
			s := op.NewScope()
			w := NewVariable(s, "weights/W", tc.dt, []int64{2, 2})
			b := NewVariable(s, "weights/b", tc.dt, []int64{2})
			add := w.AssignAdd(s, op.Fill(s, op.Const(s.SubScope("shape"), []int64{2, 2}), Scalar(s, 0.5, tc.dt)))
			read := w.Read(s)
			saver := NewSaver(s, []*Variable{w, b})
			g, err := s.Finalize()
			if err != nil {
				t.Fatal(err)
			}
			sess, err := NewSession(g, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer sess.Close()
			init := []*tf.Tensor{mustTensor([]float64{1, 2, 3, 4}, tc.dt, 2, 2), mustTensor([]float64{-1, 1}, tc.dt, 2)}
			if err := InitVariables(sess, []*Variable{w, b}, init); err != nil {
				t.Fatal(err)
			}
			prefix := filepath.Join(t.TempDir(), "ckpt", "model")
			if err := saver.Save(sess, prefix); err != nil {
				t.Fatal(err)
			}
			for _, suffix := range []string{".index", ".data-00000-of-00001"} {
				if _, err := os.Stat(prefix + suffix); err != nil {
					t.Errorf("checkpoint file missing: %v", err)
				}
			}
			if _, err := sess.Run(nil, nil, []*tf.Operation{add}); err != nil {
				t.Fatal(err)
			}
			got := fetch(t, sess, read)
			if want := []float64{1.5, 2.5, 3.5, 4.5}; !equal(got, want) {
				t.Fatalf("W after AssignAdd = %v, want %v", got, want)
			}
			if err := saver.Restore(sess, prefix); err != nil {
				t.Fatal(err)
			}
			if got, want := fetch(t, sess, read), []float64{1, 2, 3, 4}; !equal(got, want) {
				t.Errorf("W after restore = %v, want %v", got, want)
			}
			if err := saver.Restore(sess, filepath.Join(t.TempDir(), "missing")); err == nil {
				t.Error("restoring a missing checkpoint gave no error")
			}
		})
	}
}

func fetch(t *testing.T, sess *Session, out tf.Output) []float64 {
	t.Helper()
	res, err := sess.Run(nil, []tf.Output{out}, nil)
	if err != nil {
		t.Fatal(err)
	}
	v, err := Values[float64](res[0])
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func equal(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestSessionClose checks that Close is idempotent and that Run after Close fails cleanly.
func TestSessionClose(t *testing.T) {
	s := op.NewScope()
	x := op.Const(s, 1.0)
	g, err := s.Finalize()
	if err != nil {
		t.Fatal(err)
	}
	sess, err := NewSession(g, &Options{IntraOpThreads: 1, InterOpThreads: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := sess.Close(); err != nil {
		t.Fatal(err)
	}
	if err := sess.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := sess.Run(nil, []tf.Output{x}, nil); !errors.Is(err, ErrClosed) {
		t.Errorf("Run after Close = %v, want ErrClosed", err)
	}
}

// TestRunErrorsNameTheFetch checks that a failing Run says what it was running.
func TestRunErrorsNameTheFetch(t *testing.T) {
	s := op.NewScope()
	x := op.Placeholder(s.SubScope("input_x"), tf.Double)
	y := op.Square(s, x)
	g, err := s.Finalize()
	if err != nil {
		t.Fatal(err)
	}
	sess, err := NewSession(g, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	_, err = sess.Run(nil, []tf.Output{y}, nil) // the placeholder is not fed
	if err == nil || !strings.Contains(err.Error(), "Square") {
		t.Errorf("Run without feed = %v, want an error naming the Square fetch", err)
	}
}

// TestConfigProtoRejectsBadGPU checks the --gpu validation.
func TestConfigProtoRejectsBadGPU(t *testing.T) {
	for _, gpu := range []string{"a", "0,", "-1", "0;1"} {
		if _, err := ConfigProto(&Options{GPU: gpu}); err == nil {
			t.Errorf("ConfigProto(GPU %q) gave no error", gpu)
		}
	}
	for _, gpu := range []string{"", "0", "0,1"} {
		if _, err := ConfigProto(&Options{GPU: gpu}); err != nil {
			t.Errorf("ConfigProto(GPU %q) = %v", gpu, err)
		}
	}
	if _, err := ConfigProto(&Options{IntraOpThreads: -1}); err == nil {
		t.Error("negative thread count gave no error")
	}
}

// TestNewTensorShapeErrors checks the shape validation of NewTensor and TensorAs.
func TestNewTensorShapeErrors(t *testing.T) {
	if _, err := NewTensor([]float32{1, 2, 3}, 2, 2); err == nil {
		t.Error("3 values in a 2×2 tensor gave no error")
	}
	if _, err := NewTensor([]float64{1}, -1); err == nil {
		t.Error("negative dimension gave no error")
	}
	if _, err := TensorAs([]float64{1}, tf.Int32); !errors.Is(err, ErrDType) {
		t.Errorf("TensorAs(int32) = %v, want ErrDType", err)
	}
}

// rssBytes reads the resident set size of this process from /proc.
func rssBytes(t *testing.T) int64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		t.Skipf("no /proc/self/statm: %v", err)
	}
	f := strings.Fields(string(b))
	pages, err := strconv.ParseInt(f[1], 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return pages * int64(os.Getpagesize())
}

// TestRunMemory runs a small graph 20,000 times, fetching a 64 KiB tensor each time (2.6 GB
// cross the boundary in all), and checks that RSS grows by less than 50 MB. The fetched tensors
// live in C memory behind tiny Go objects, so without Session's byte-counting GC the Go heap
// would barely grow, finalizers would rarely run, and hundreds of MB would pile up.
func TestRunMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("short mode")
	}
	const n = 128
	s := op.NewScope()
	x := op.Placeholder(s.SubScope("x"), tf.Float, op.PlaceholderShape(tf.MakeShape(n, n)))
	y := op.Sigmoid(s, MatMulT(s, x, x, false, true))
	g, err := s.Finalize()
	if err != nil {
		t.Fatal(err)
	}
	sess, err := NewSession(g, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	feed, err := NewTensor(make([]float32, n*n), n, n)
	if err != nil {
		t.Fatal(err)
	}
	run := func(k int) {
		for i := 0; i < k; i++ {
			if _, err := sess.Run(map[tf.Output]*tf.Tensor{x: feed}, []tf.Output{y}, nil); err != nil {
				t.Fatal(err)
			}
		}
	}
	run(1000) // warm up allocators and the executor cache
	runtime.GC()
	before := rssBytes(t)
	run(20000)
	after := rssBytes(t)
	t.Logf("RSS %d MB → %d MB over 20,000 runs", before>>20, after>>20)
	if after-before > 50<<20 {
		t.Errorf("RSS grew by %d MB over 20,000 runs, want < 50 MB", (after-before)>>20)
	}
}

func TestSaveErrDiskFull(t *testing.T) {
	tfMsg := errors.New("RESOURCE_EXHAUSTED: runs/x/ckpt-5_temp/part-00000-of-00001.data-00000-of-00001.tempstate123; No space left on device\n\t [[{{node save/save_v2}}]]\nHint: If you want to see a list of allocated tensors when OOM happens, add report_tensor_allocations_upon_oom to RunOptions")
	err := saveErr("runs/x/ckpt-5", tfMsg)
	if !errors.Is(err, ErrDiskFull) || strings.Contains(err.Error(), "OOM") || !strings.Contains(err.Error(), "disk is full") {
		t.Errorf("saveErr = %v; want a full-disk error without the OOM hint", err)
	}
	if err := saveErr("p", errors.New("permission denied")); errors.Is(err, ErrDiskFull) {
		t.Errorf("permission denied reported as a full disk: %v", err)
	}
}

// TestConfigProtoTimeout checks where Options.Timeout and SetDefaultTimeout land: the gRPC
// session's operation timeout, with a Target only.
func TestConfigProtoTimeout(t *testing.T) {
	defer SetDefaultTimeout(0)
	timeout := func(o *Options) int64 {
		t.Helper()
		b, err := ConfigProto(o)
		if err != nil {
			t.Fatal(err)
		}
		var c pb.ConfigProto
		if err := proto.Unmarshal(b, &c); err != nil {
			t.Fatal(err)
		}
		return c.OperationTimeoutInMs
	}
	const target = "grpc://localhost:1"
	for _, tc := range []struct {
		name string
		def  time.Duration
		o    Options
		want int64
	}{
		{"none", 0, Options{Target: target}, 0},
		{"own", 0, Options{Target: target, Timeout: 3 * time.Second}, 3000},
		{"default", time.Minute, Options{Target: target}, 60000},
		{"own over default", time.Minute, Options{Target: target, Timeout: 2 * time.Second}, 2000},
		{"no limit over default", time.Minute, Options{Target: target, Timeout: -1}, 0},
		{"local: never timed", time.Minute, Options{Timeout: time.Second}, 0},
		{"under a millisecond", 0, Options{Target: target, Timeout: time.Microsecond}, 1},
	} {
		SetDefaultTimeout(tc.def)
		if got := timeout(&tc.o); got != tc.want {
			t.Errorf("%s: operation timeout %d ms, want %d", tc.name, got, tc.want)
		}
	}
}

// TestTimedOut checks that a deadline error of a session with a timeout is ErrTimeout, and that
// nothing else is.
func TestTimedOut(t *testing.T) {
	deadline := errors.New("dbm/ais/chunk_done: Deadline Exceeded")
	if err := timedOut(3*time.Second, deadline); !errors.Is(err, ErrTimeout) || !errors.Is(err, deadline) || !strings.Contains(err.Error(), "3s") {
		t.Errorf("deadline with a timeout: %v", err)
	}
	for _, tc := range []struct {
		timeout time.Duration
		err     error
	}{{0, deadline}, {time.Second, errors.New("Socket closed")}} {
		if err := timedOut(tc.timeout, tc.err); err != tc.err {
			t.Errorf("timedOut(%v, %v) = %v, want the error unchanged", tc.timeout, tc.err, err)
		}
	}
}
