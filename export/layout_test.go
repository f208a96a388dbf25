package export

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"

	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/export/serving"
	"github.com/boltzmann-go/boltzmann/rbm"
	"github.com/boltzmann-go/boltzmann/tfops"
)

// TestWriteLayout checks the files of one export and that nothing else is left behind.
func TestWriteLayout(t *testing.T) {
	base := t.TempDir()
	dir, err := Write(base, "rbm", 1, untrained(t, tf.Float), nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(base, "rbm", "1"); dir != want {
		t.Errorf("Write returned %s, want %s", dir, want)
	}
	if got := listDir(t, filepath.Join(base, "rbm")); !slices.Equal(got, []string{"1"}) {
		t.Errorf("%s/rbm holds %v, want [1]", base, got)
	}
	if got := listDir(t, dir); !slices.Equal(got, []string{"saved_model.pb", "variables"}) {
		t.Errorf("%s holds %v", dir, got)
	}
	if got := listDir(t, filepath.Join(dir, "variables")); !slices.Equal(got, []string{"variables.data-00000-of-00001", "variables.index"}) {
		t.Errorf("%s/variables holds %v", dir, got)
	}
	if st, err := os.Stat(dir); err != nil || st.Mode().Perm() != 0o755 {
		t.Errorf("version directory mode %v, %v; want 0755 (readable by a server running as another user)", st.Mode(), err)
	}
	if err := checkComplete(dir); err != nil {
		t.Error(err)
	}
}

// TestWriteRefusesExisting checks that an existing version is kept unless Overwrite is set,
// and that Overwrite replaces it with the new model.
func TestWriteRefusesExisting(t *testing.T) {
	base := t.TempDir()
	first := untrained(t, tf.Float)
	dir, err := Write(base, "rbm", 1, first, nil)
	if err != nil {
		t.Fatal(err)
	}
	before, err := os.ReadFile(filepath.Join(dir, savedModelFile))
	if err != nil {
		t.Fatal(err)
	}
	second, err := rbm.New(rbm.Config{NumVisible: 6, NumHidden: 3, DType: tf.Float, Seed: 99, WeightStd: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	defer second.Close()
	if _, err := Write(base, "rbm", 1, second, &Options{}); !errors.Is(err, ErrExists) {
		t.Fatalf("Write over version 1 without Overwrite: %v, want ErrExists", err)
	}
	after, err := os.ReadFile(filepath.Join(dir, savedModelFile))
	if err != nil || !bytes.Equal(before, after) {
		t.Errorf("the refused Write changed %s (%v)", dir, err)
	}
	if got := listDir(t, filepath.Join(base, "rbm")); !slices.Equal(got, []string{"1"}) {
		t.Errorf("after the refused Write %s/rbm holds %v, want [1]", base, got)
	}

	features := func() []float64 {
		sm := load(t, dir)
		defer sm.Session.Close()
		return values(t, run(t, sm, "serving_default", map[string]*tf.Tensor{"visible": untrainedInput(t)})["features"])
	}
	old := features()
	if _, err := Write(base, "rbm", 1, second, &Options{Overwrite: true}); err != nil {
		t.Fatalf("Write with Overwrite: %v", err)
	}
	h, err := second.Transform(untrainedMatrix())
	if err != nil {
		t.Fatal(err)
	}
	got := features()
	if d := maxAbsDiff(got, h.Data); d > 1e-6 {
		t.Errorf("after Overwrite version 1 computes %v, want the new model's %v", got, h.Data)
	}
	if maxAbsDiff(got, old) == 0 {
		t.Errorf("after Overwrite version 1 still computes the old model's features")
	}
	if got := listDir(t, filepath.Join(base, "rbm")); !slices.Equal(got, []string{"1"}) {
		t.Errorf("after Overwrite %s/rbm holds %v, want [1] (no .tmp- or .old- leftovers)", base, got)
	}
}

// TestNextVersion checks that integer-named directories count as versions, and so do the work
// directories of interrupted exports (a number is never reused); Write repairs an interrupted
// overwrite by putting the replaced version back.
func TestNextVersion(t *testing.T) {
	base := t.TempDir()
	if v, err := NextVersion(base, "m"); err != nil || v != 1 {
		t.Errorf("NextVersion of a missing model = %d, %v; want 1", v, err)
	}
	dir := filepath.Join(base, "m")
	for _, d := range []string{"1", "3", "10", "abc", ".tmp-40-123", ".old-50-9", "-70", "1e3"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "60"), nil, 0o644); err != nil { // a file, not a version
		t.Fatal(err)
	}
	if v, err := NextVersion(base, "m"); err != nil || v != 51 {
		t.Errorf("NextVersion = %d, %v; want 51 (past the interrupted exports' 40 and 50)", v, err)
	}
	if _, err := Write(base, "m", 11, untrained(t, tf.Float), nil); err != nil {
		t.Fatal(err)
	}
	if got := listDir(t, dir); !slices.Contains(got, "50") || slices.Contains(got, ".tmp-40-123") || slices.Contains(got, ".old-50-9") {
		t.Errorf("after Write, %s holds %v: want .old-50 back as 50 and no work directories", dir, got)
	}
	if v, err := NextVersion(base, "m"); err != nil || v != 51 {
		t.Errorf("NextVersion after writing 11 = %d, %v; want 51", v, err)
	}
	if err := os.WriteFile(filepath.Join(base, "file"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := NextVersion(base, "file"); err == nil {
		t.Errorf("NextVersion of a model name that is a file: no error")
	}
}

// A fakeModel builds whatever serving graph its function returns.
type fakeModel func(s *op.Scope, o serving.Options) (*serving.Graph, error)

func (f fakeModel) BuildServing(s *op.Scope, o serving.Options) (*serving.Graph, error) {
	return f(s, o)
}

// linear is a valid fake model: y = x·W with one variable.
func linear(s *op.Scope, _ serving.Options) (*serving.Graph, error) {
	w := tfops.NewVariable(s, "W", tf.Double, []int64{2, 1})
	val, err := tfops.NewTensor([]float64{1, 2}, 2, 1)
	if err != nil {
		return nil, err
	}
	x := op.Placeholder(s.SubScope("x"), tf.Double, op.PlaceholderShape(tf.MakeShape(-1, 2)))
	y := op.MatMul(s, x, w.Read(s))
	return &serving.Graph{Variables: []*tfops.Variable{w}, Values: []*tf.Tensor{val},
		Signatures: map[string]serving.Signature{"serving_default": {
			Inputs: map[string]tf.Output{"x": x}, Outputs: map[string]tf.Output{"y": y}}}}, nil
}

// TestBadArguments checks that bad arguments and unexportable models give errors, create no
// version and leave no work directory behind.
func TestBadArguments(t *testing.T) {
	m := untrained(t, tf.Float)
	var nilRBM *rbm.RBM
	boom := errors.New("boom")
	with := func(edit func(sg *serving.Graph, s *op.Scope)) Model {
		return fakeModel(func(s *op.Scope, o serving.Options) (*serving.Graph, error) {
			sg, err := linear(s, o)
			if err == nil {
				edit(sg, s)
			}
			return sg, err
		})
	}
	other := op.NewScope()
	foreign := op.Placeholder(other, tf.Double)
	for _, tc := range []struct {
		name    string
		base    string
		model   string
		version int64
		m       Model
		opts    *Options
		want    error
	}{
		{"empty base", "-", "m", 1, m, nil, ErrArgument},
		{"empty name", "", "", 1, m, nil, ErrArgument},
		{"dot", "", ".", 1, m, nil, ErrArgument},
		{"dot dot", "", "..", 1, m, nil, ErrArgument},
		{"slash", "", "a/b", 1, m, nil, ErrArgument},
		{"backslash", "", `a\b`, 1, m, nil, ErrArgument},
		{"version 0", "", "m", 0, m, nil, ErrArgument},
		{"negative version", "", "m", -3, m, nil, ErrArgument},
		{"nil model", "", "m", 1, nil, nil, ErrArgument},
		{"typed nil model", "", "m", 1, nilRBM, nil, ErrArgument},
		{"nil func model", "", "m", 1, fakeModel(nil), nil, ErrArgument},
		{"negative steps", "", "m", 1, m, &Options{SampleSteps: -1}, ErrArgument},
		{"build error", "", "m", 1, fakeModel(func(*op.Scope, serving.Options) (*serving.Graph, error) { return nil, boom }), nil, boom},
		{"nil serving graph", "", "m", 1, fakeModel(func(*op.Scope, serving.Options) (*serving.Graph, error) { return nil, nil }), nil, ErrArgument},
		{"no signatures", "", "m", 1, with(func(sg *serving.Graph, _ *op.Scope) { sg.Signatures = nil }), nil, ErrArgument},
		{"no outputs", "", "m", 1, with(func(sg *serving.Graph, _ *op.Scope) {
			sg.Signatures["serving_default"] = serving.Signature{Inputs: sg.Signatures["serving_default"].Inputs}
		}), nil, ErrArgument},
		{"reserved key", "", "m", 1, with(func(sg *serving.Graph, _ *op.Scope) {
			sg.Signatures["__saved_model_init_op"] = sg.Signatures["serving_default"]
		}), nil, ErrArgument},
		{"zero output", "", "m", 1, with(func(sg *serving.Graph, _ *op.Scope) {
			sg.Signatures["serving_default"].Outputs["y"] = tf.Output{}
		}), nil, ErrArgument},
		{"foreign tensor", "", "m", 1, with(func(sg *serving.Graph, _ *op.Scope) {
			sg.Signatures["serving_default"].Outputs["z"] = foreign
		}), nil, ErrArgument},
		{"missing value", "", "m", 1, with(func(sg *serving.Graph, _ *op.Scope) { sg.Values = nil }), nil, ErrArgument},
		{"wrong value dtype", "", "m", 1, with(func(sg *serving.Graph, _ *op.Scope) {
			sg.Values[0], _ = tfops.NewTensor([]float32{1, 2}, 2, 1)
		}), nil, ErrArgument},
		{"wrong value shape", "", "m", 1, with(func(sg *serving.Graph, _ *op.Scope) {
			sg.Values[0], _ = tfops.NewTensor([]float64{1, 2}, 1, 2)
		}), nil, ErrArgument},
		{"scope error", "", "m", 1, with(func(sg *serving.Graph, s *op.Scope) {
			op.MatMul(s, sg.Signatures["serving_default"].Inputs["x"], op.Const(s, []float32{1})) // dtype mismatch
		}), nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			base := root
			if tc.base == "-" {
				base = ""
			}
			_, err := Write(base, tc.model, tc.version, tc.m, tc.opts)
			if err == nil || (tc.want != nil && !errors.Is(err, tc.want)) {
				t.Fatalf("Write = %v, want an error wrapping %v", err, tc.want)
			}
			if !strings.HasPrefix(err.Error(), "export: ") {
				t.Errorf("error %q lacks the package prefix", err)
			}
			// Nothing may be created outside root, and no version or work directory inside it.
			if tc.model != "" && tc.model != "." && tc.model != ".." && !strings.ContainsAny(tc.model, `/\`) {
				if got := listDir(t, filepath.Join(root, tc.model)); len(got) != 0 {
					t.Errorf("the failed Write left %v", got)
				}
			}
		})
	}
	if _, err := NextVersion(t.TempDir(), "a/b"); !errors.Is(err, ErrArgument) {
		t.Errorf("NextVersion with a bad name: %v, want ErrArgument", err)
	}
	if _, err := NextVersion("", "m"); !errors.Is(err, ErrArgument) {
		t.Errorf("NextVersion with an empty base: %v, want ErrArgument", err)
	}
}

// TestFakeModelRoundTrip checks that a non-RBM model (a bare linear map) exports and loads.
func TestFakeModelRoundTrip(t *testing.T) {
	dir, err := Write(t.TempDir(), "linear", 1, fakeModel(linear), nil)
	if err != nil {
		t.Fatal(err)
	}
	sm := load(t, dir)
	x, err := tf.NewTensor([][]float64{{1, 1}, {3, -1}})
	if err != nil {
		t.Fatal(err)
	}
	if got := values(t, run(t, sm, "serving_default", map[string]*tf.Tensor{"x": x})["y"]); !slices.Equal(got, []float64{3, 1}) {
		t.Errorf("y = %v, want [3 1]", got)
	}
}

// untrainedMatrix is untrainedInput as a dataset matrix.
func untrainedMatrix() *dataset.Matrix[float64] {
	return &dataset.Matrix[float64]{Rows: 2, Cols: 6, Data: []float64{1, 0, 1, 0, 1, 0, 0, 1, 0, 1, 0, 1}}
}
