package export

import (
	"math"
	"slices"
	"sort"
	"strings"
	"testing"

	tf "github.com/galeone/tensorflow/tensorflow/go"
)

// wantShape is the static shape each signature tensor must declare, for a model with nv
// visible and nh hidden units (−1: the batch dimension).
func wantShape(key, name string, nv, nh int64) []int64 {
	switch {
	case name == "seed":
		return []int64{2}
	case name == "sweeps":
		return []int64{}
	case name == "features":
		return []int64{-1, nh}
	case name == "free_energy":
		return []int64{-1}
	}
	return []int64{-1, nv}
}

// TestGoRoundTrip exports trained RBMs of every kind and dtype, loads them back with the C
// API loader (tf.LoadSavedModel), checks the signatures and compares every output with the
// in-memory model.
func TestGoRoundTrip(t *testing.T) {
	for _, e := range exports(t) {
		t.Run(e.name, func(t *testing.T) {
			sm := load(t, e.dir)
			checkSignatures(t, sm, e)
			feeds := map[string]*tf.Tensor{"visible": matrixTensor(t, e.x, e.dt)}
			for _, key := range []string{"serving_default", "reconstruct", "free_energy"} {
				for name, got := range run(t, sm, key, feeds) {
					k := key + "." + name
					if got.DataType() != e.dt {
						t.Errorf("%s: dtype %v, want %v", k, got.DataType(), e.dt)
					}
					if !slices.Equal(got.Shape(), e.shape[k]) {
						t.Errorf("%s: shape %v, want %v", k, got.Shape(), e.shape[k])
					}
					d := maxAbsDiff(values(t, got), e.want[k])
					t.Logf("%s: max |Go SavedModel − in-memory| = %.3g", k, d)
					if d > e.tol {
						t.Errorf("%s: max abs diff from the in-memory model %.3g, want ≤ %g", k, d, e.tol)
					}
				}
			}
			var samples [3]map[string][]float64
			for i, seed := range sampleSeeds {
				samples[i] = map[string][]float64{}
				for name, v := range run(t, sm, "sample", map[string]*tf.Tensor{"visible": feeds["visible"], "seed": seedTensor(t, seed[0], seed[1])}) {
					if !slices.Equal(v.Shape(), []int64{int64(e.x.Rows), int64(e.kind.nv)}) {
						t.Errorf("sample.%s: shape %v, want [%d %d]", name, v.Shape(), e.x.Rows, e.kind.nv)
					}
					samples[i][name] = values(t, v)
				}
			}
			checkSample(t, e, samples)
			checkCompleteSignature(t, e, sm)
		})
	}
}

// checkCompleteSignature runs the "complete" signature through the Go loader: its mean field equals the
// in-memory model's Complete, the given units hold the images' values, the same seed gives the
// same Gibbs answers, and sweeps beyond the exported steps are refused.
func checkCompleteSignature(t *testing.T, e *exported, sm *tf.SavedModel) {
	t.Helper()
	a := run(t, sm, "complete", completeFeeds(t, e.x, e.dt, sampleSeeds[0], completeSweeps))
	b := run(t, sm, "complete", completeFeeds(t, e.x, e.dt, sampleSeeds[1], completeSweeps))
	d := maxAbsDiff(values(t, a["mean_field"]), e.want["complete.mean_field"])
	t.Logf("complete.mean_field: max |Go SavedModel − in-memory Complete| = %.3g", d)
	if d > e.tol {
		t.Errorf("complete.mean_field: max abs diff from the in-memory Complete %.3g, want ≤ %g", d, e.tol)
	}
	mask := completeMask(e.x.Cols)
	for _, name := range []string{"sample", "mean", "mean_field"} {
		got := values(t, a[name])
		if !slices.Equal(got, values(t, b[name])) {
			t.Errorf("complete.%s differs between two runs with seed (1, 2)", name)
		}
		for i, v := range got {
			if mask[i%e.x.Cols] && math.Abs(v-e.x.Data[i]) > e.tol {
				t.Fatalf("complete.%s[%d] = %g at a given unit, want the image's %g", name, i, v, e.x.Data[i])
			}
		}
	}
	sig := sm.Signatures["complete"]
	feeds := map[tf.Output]*tf.Tensor{}
	for k, v := range completeFeeds(t, e.x, e.dt, sampleSeeds[0], completeSweeps+1) {
		feeds[graphTensor(t, sm.Graph, sig.Inputs[k].Name)] = v
	}
	if _, err := sm.Session.Run(feeds, []tf.Output{graphTensor(t, sm.Graph, sig.Outputs["sample"].Name)}, nil); err == nil || !strings.Contains(err.Error(), "sweeps") {
		t.Errorf("complete with %d sweeps of %d exported: error %v, want one naming sweeps", completeSweeps+1, completeSweeps, err)
	}
}

// checkSignatures checks that sm has exactly the four RBM signatures with the right input and
// output names, dtypes, shapes and method.
func checkSignatures(t *testing.T, sm *tf.SavedModel, e *exported) {
	t.Helper()
	var keys []string
	for k := range sm.Signatures {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if want := []string{"complete", "free_energy", "reconstruct", "sample", "serving_default"}; !slices.Equal(keys, want) {
		t.Fatalf("signatures %v, want %v", keys, want)
	}
	nv, nh := int64(e.kind.nv), int64(e.kind.nh)
	for key, io := range signatureIO {
		sig := sm.Signatures[key]
		if sig.MethodName != predictMethod {
			t.Errorf("%s: method %q, want %q", key, sig.MethodName, predictMethod)
		}
		for _, side := range []struct {
			what  string
			infos map[string]tf.TensorInfo
			want  []string
		}{{"inputs", sig.Inputs, io.in}, {"outputs", sig.Outputs, io.out}} {
			var names []string
			for n, ti := range side.infos {
				names = append(names, n)
				wantDT := e.dt
				if int64Inputs[n] {
					wantDT = tf.Int64
				}
				if ti.DType != wantDT {
					t.Errorf("%s %s %q: dtype %v, want %v", key, side.what, n, ti.DType, wantDT)
				}
				got, _ := ti.Shape.ToSlice()
				if want := wantShape(key, n, nv, nh); !slices.Equal(got, want) {
					t.Errorf("%s %s %q: shape %v, want %v", key, side.what, n, ti.Shape, want)
				}
			}
			sort.Strings(names)
			if !slices.Equal(names, side.want) {
				t.Errorf("%s %s %v, want %v", key, side.what, names, side.want)
			}
		}
	}
}

// sampleSeeds are the seeds fed to the "sample" signature: the same one twice, then another.
var sampleSeeds = [3][2]int64{{1, 2}, {1, 2}, {1, 3}}

// checkSample checks the outputs of the "sample" signature for sampleSeeds: the same seed
// gives the same outputs, another seed other ones, and the outputs are valid states and means.
func checkSample(t *testing.T, e *exported, runs [3]map[string][]float64) {
	t.Helper()
	s1, s2, s3 := runs[0], runs[1], runs[2]
	for _, name := range []string{"sample", "mean"} {
		if !slices.Equal(s1[name], s2[name]) {
			t.Errorf("sample.%s differs between two runs with seed (1, 2)", name)
		}
		if slices.Equal(s1[name], s3[name]) {
			t.Errorf("sample.%s is the same for seeds (1, 2) and (1, 3)", name)
		}
		for _, s := range [][]float64{s1[name], s3[name]} {
			for i, v := range s {
				switch {
				case math.IsNaN(v) || math.IsInf(v, 0):
					t.Fatalf("sample.%s[%d] = %g", name, i, v)
				case e.kind.gaussian:
				case name == "sample" && v != 0 && v != 1:
					t.Fatalf("sample.sample[%d] = %g, want a Bernoulli state 0 or 1", i, v)
				case name == "mean" && (v < 0 || v > 1):
					t.Fatalf("sample.mean[%d] = %g, want a probability", i, v)
				}
			}
		}
	}
	if e.kind.gaussian && slices.Equal(s1["sample"], s1["mean"]) {
		t.Errorf("Gaussian sample equals its mean: no noise was drawn")
	}
}
