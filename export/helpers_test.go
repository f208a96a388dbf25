package export

import (
	"context"
	"errors"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	tf "github.com/galeone/tensorflow/tensorflow/go"

	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/internal/venv"
	"github.com/boltzmann-go/boltzmann/rbm"
	"github.com/boltzmann-go/boltzmann/tfops"
)

// A kind is one of the RBM types the export tests cover.
type kind struct {
	name     string
	visible  rbm.Unit
	hidden   rbm.Unit
	nv, nh   int
	gaussian bool // real-valued visible data
}

var kinds = []kind{
	{name: "bernoulli-bernoulli", visible: rbm.Bernoulli{}, hidden: rbm.Bernoulli{}, nv: 12, nh: 5},
	{name: "bernoulli-multinomial", visible: rbm.Bernoulli{}, hidden: rbm.Multinomial{Draws: 3, Groups: 2}, nv: 12, nh: 6},
	{name: "gaussian-bernoulli", visible: rbm.Gaussian{Sigma: []float64{0.5, 1, 2}}, hidden: rbm.Bernoulli{}, nv: 3, nh: 4, gaussian: true},
}

// dtypes are the model dtypes, with the tolerance on the max abs difference between an
// exported model's outputs and the in-memory model's.
var dtypes = []struct {
	name string
	dt   tf.DataType
	tol  float64
}{
	{"float32", tf.Float, 1e-6},
	{"float64", tf.Double, 1e-12},
}

// data returns rows×nv training data for k: 0/1 with a column-dependent rate, or Gaussian.
func (k kind) data(rows int, seed uint64) *dataset.Matrix[float64] {
	r := rand.New(rand.NewPCG(seed, 7))
	x := dataset.NewMatrix[float64](rows, k.nv)
	for i := range x.Data {
		col := i % k.nv
		if k.gaussian {
			x.Data[i] = float64(col) - 1 + r.NormFloat64()
		} else if r.Float64() < 0.2+0.6*float64(col)/float64(k.nv) {
			x.Data[i] = 1
		}
	}
	return x
}

// train returns an RBM of kind k trained for two epochs on 60 rows; the caller closes it.
func (k kind) train(dt tf.DataType) (*rbm.RBM, error) {
	m, err := rbm.New(rbm.Config{Visible: k.visible, Hidden: k.hidden, NumVisible: k.nv, NumHidden: k.nh,
		DType: dt, Seed: 3, Epochs: 2, BatchSize: 10, WeightStd: 0.3, LearningRate: []float64{0.05}})
	if err != nil {
		return nil, err
	}
	if _, err := m.Fit(context.Background(), k.data(60, 1), nil, nil); err != nil {
		m.Close()
		return nil, err
	}
	return m, nil
}

// untrained returns a small Bernoulli RBM straight from rbm.New (fast: no training).
func untrained(t testing.TB, dt tf.DataType) *rbm.RBM {
	t.Helper()
	m, err := rbm.New(rbm.Config{NumVisible: 6, NumHidden: 3, DType: dt, Seed: 1, WeightStd: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

// signatureIO lists the inputs and outputs every exported RBM signature must have.
var signatureIO = map[string]struct{ in, out []string }{
	"serving_default": {[]string{"visible"}, []string{"features"}},
	"reconstruct":     {[]string{"visible"}, []string{"reconstruction"}},
	"free_energy":     {[]string{"visible"}, []string{"free_energy"}},
	"sample":          {[]string{"seed", "visible"}, []string{"mean", "sample"}},
	"complete":        {[]string{"images", "mask", "seed", "sweeps"}, []string{"mean", "mean_field", "sample"}},
}

// int64Inputs are the inputs of the signatures that are int64 whatever the model's dtype.
var int64Inputs = map[string]bool{"seed": true, "sweeps": true}

// completeSweeps is the sweeps input fed to the "complete" signature: all the exported steps.
const completeSweeps = 10

// completeMask gives the first half of the visible units (one row, for every row).
func completeMask(nv int) []bool {
	m := make([]bool, nv)
	for j := range nv / 2 {
		m[j] = true
	}
	return m
}

// completeFeeds are the inputs of the "complete" signature for x, completeMask, seed and sweeps.
func completeFeeds(t testing.TB, x *dataset.Matrix[float64], dt tf.DataType, seed [2]int64, sweeps int64) map[string]*tf.Tensor {
	t.Helper()
	mask := dataset.NewMatrix[float64](1, x.Cols)
	for j, g := range completeMask(x.Cols) {
		if g {
			mask.Data[j] = 1
		}
	}
	n, err := tf.NewTensor(sweeps)
	if err != nil {
		t.Fatal(err)
	}
	return map[string]*tf.Tensor{"images": matrixTensor(t, x, dt), "mask": matrixTensor(t, mask, dt), "seed": seedTensor(t, seed[0], seed[1]), "sweeps": n}
}

// load loads a SavedModel with the Go (C API) loader and closes its session at cleanup.
func load(t testing.TB, dir string) *tf.SavedModel {
	t.Helper()
	sm, err := tf.LoadSavedModel(dir, []string{"serve"}, nil)
	if err != nil {
		t.Fatalf("LoadSavedModel(%s): %v", dir, err)
	}
	t.Cleanup(func() { sm.Session.Close() })
	return sm
}

// graphTensor finds the tensor "<op>:<index>" in g.
func graphTensor(t testing.TB, g *tf.Graph, name string) tf.Output {
	t.Helper()
	i := strings.LastIndexByte(name, ':')
	if i < 0 {
		t.Fatalf("tensor name %q has no ':<index>'", name)
	}
	idx, err := strconv.Atoi(name[i+1:])
	if err != nil {
		t.Fatalf("tensor name %q: %v", name, err)
	}
	o := g.Operation(name[:i])
	if o == nil {
		t.Fatalf("tensor %q: no such operation in the loaded graph", name)
	}
	return o.Output(idx)
}

// run runs signature key of sm with feeds by input name and returns its outputs by name,
// feeding and fetching through the signature's TensorInfo names.
func run(t testing.TB, sm *tf.SavedModel, key string, feeds map[string]*tf.Tensor) map[string]*tf.Tensor {
	t.Helper()
	sig, ok := sm.Signatures[key]
	if !ok {
		t.Fatalf("no signature %q", key)
	}
	fm := map[tf.Output]*tf.Tensor{}
	for name, ti := range sig.Inputs {
		v, ok := feeds[name]
		if !ok {
			t.Fatalf("signature %q: no feed for input %q", key, name)
		}
		fm[graphTensor(t, sm.Graph, ti.Name)] = v
	}
	var names []string
	var fetches []tf.Output
	for name, ti := range sig.Outputs {
		names = append(names, name)
		fetches = append(fetches, graphTensor(t, sm.Graph, ti.Name))
	}
	res, err := sm.Session.Run(fm, fetches, nil)
	if err != nil {
		t.Fatalf("run signature %q: %v", key, err)
	}
	out := map[string]*tf.Tensor{}
	for i, n := range names {
		out[n] = res[i]
	}
	return out
}

// values returns a float tensor's elements as float64.
func values(t testing.TB, x *tf.Tensor) []float64 {
	t.Helper()
	v, err := tfops.Values[float64](x)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// maxAbsDiff returns max |a_i − b_i|, or +Inf when the lengths differ or a value is NaN.
func maxAbsDiff(a, b []float64) float64 {
	if len(a) != len(b) {
		return math.Inf(1)
	}
	var d float64
	for i := range a {
		e := math.Abs(a[i] - b[i])
		if math.IsNaN(e) {
			return math.Inf(1)
		}
		d = max(d, e)
	}
	return d
}

// matrixTensor converts x to a tensor of dtype dt.
func matrixTensor(t testing.TB, x *dataset.Matrix[float64], dt tf.DataType) *tf.Tensor {
	t.Helper()
	v, err := tfops.TensorAs(x.Data, dt, int64(x.Rows), int64(x.Cols))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func seedTensor(t testing.TB, a, b int64) *tf.Tensor {
	t.Helper()
	s, err := tf.NewTensor([]int64{a, b})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// pythonTools returns the venv's python and saved_model_cli (see package venv).
func pythonTools(t testing.TB) (python, cli string) {
	t.Helper()
	return venv.Tool(t, "python"), venv.Tool(t, "saved_model_cli")
}

// pythonEnv is the environment for Python subprocesses: quiet TensorFlow, CPU only.
func pythonEnv() []string { return venv.Env() }

// checkComplete reports what is missing from a version directory.
func checkComplete(dir string) error {
	for _, f := range []string{savedModelFile, "variables/variables.index", "variables/variables.data-00000-of-00001"} {
		st, err := os.Stat(filepath.Join(dir, f))
		if err != nil {
			return err
		}
		if st.Size() == 0 {
			return errors.New(f + " is empty")
		}
	}
	return nil
}

// listDir returns the names in dir ("" entries when it does not exist).
func listDir(t testing.TB, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}
