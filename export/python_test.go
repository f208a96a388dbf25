package export

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	tf "github.com/galeone/tensorflow/tensorflow/go"

	"github.com/boltzmann-go/boltzmann/dataset"
)

// pyReport is the report.json that testdata/check_savedmodel.py writes.
type pyReport struct {
	TensorFlow string `json:"tensorflow"`
	Models     map[string]struct {
		Signatures map[string]struct {
			Inputs, Outputs map[string]pySpec
		} `json:"signatures"`
		Variables []struct {
			Name  string  `json:"name"`
			Shape []int64 `json:"shape"`
			DType string  `json:"dtype"`
		} `json:"variables"`
	} `json:"models"`
	TF1 struct {
		GlobalVariables    []string `json:"global_variables"`
		TrainableVariables int      `json:"trainable_variables"`
		ZeroAfterInit      bool     `json:"zero_after_init"`
	} `json:"tf1"`
}

type pySpec struct {
	DType string  `json:"dtype"`
	Shape []int64 `json:"shape"`
}

// TestPythonInterop loads every exported model with Python TensorFlow (tf.saved_model.load,
// and one model also with the TF1 loader), runs every signature and compares the outputs and
// the variables with the in-memory model; it also checks what saved_model_cli shows. All
// Python work runs in one interpreter (importing TensorFlow takes seconds), beside two
// saved_model_cli runs.
func TestPythonInterop(t *testing.T) {
	python, cli := pythonTools(t)
	es := exports(t)
	tmp := t.TempDir()
	out := filepath.Join(tmp, "out")
	type model struct {
		Name    string     `json:"name"`
		Dir     string     `json:"dir"`
		Visible string     `json:"visible"`
		Seeds   [][2]int64 `json:"seeds"`
		Mask    string     `json:"mask,omitempty"`
		Sweeps  int        `json:"sweeps,omitempty"`
	}
	manifest := struct {
		Out    string  `json:"out"`
		Models []model `json:"models"`
		TF1    model   `json:"tf1"`
	}{Out: out}
	for i, e := range es {
		x := filepath.Join(tmp, fmt.Sprintf("x%d.npy", i))
		var err error
		if e.dt == tf.Float {
			err = dataset.WriteNPY(x, dataset.Convert[float32](e.x))
		} else {
			err = dataset.WriteNPY(x, e.x)
		}
		if err != nil {
			t.Fatal(err)
		}
		mask := filepath.Join(tmp, fmt.Sprintf("mask%d.npy", i))
		mv := dataset.NewMatrix[float64](1, e.x.Cols)
		for j, g := range completeMask(e.x.Cols) {
			if g {
				mv.Data[j] = 1
			}
		}
		if e.dt == tf.Float {
			err = dataset.WriteNPY(mask, dataset.Convert[float32](mv))
		} else {
			err = dataset.WriteNPY(mask, mv)
		}
		if err != nil {
			t.Fatal(err)
		}
		manifest.Models = append(manifest.Models, model{Name: pyName(e), Dir: e.dir, Visible: x, Seeds: sampleSeeds[:], Mask: mask, Sweeps: completeSweeps})
	}
	tf1 := es[0] // bernoulli-bernoulli/float32
	manifest.TF1 = model{Name: "tf1", Dir: tf1.dir, Visible: manifest.Models[0].Visible}
	mf := filepath.Join(tmp, "manifest.json")
	b, err := json.Marshal(manifest)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(mf, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}

	// A guard against a hung interpreter, not a speed test: the machine may be shared.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	// saved_model_cli for one float32 and one float64 model, while Python checks all of them.
	cliModels := []*exported{es[0], es[len(es)-1]}
	cliOut := make([]string, len(cliModels))
	cliErr := make([]error, len(cliModels))
	var wg sync.WaitGroup
	for i, e := range cliModels {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.CommandContext(ctx, cli, "show", "--all", "--dir", e.dir)
			cmd.Env = pythonEnv()
			var o []byte
			o, cliErr[i] = cmd.Output()
			cliOut[i] = string(o)
		}()
	}
	cmd := exec.CommandContext(ctx, python, filepath.Join("testdata", "check_savedmodel.py"), mf)
	cmd.Env = pythonEnv()
	pyOut, pyErr := cmd.CombinedOutput()
	wg.Wait()
	if pyErr != nil {
		t.Fatalf("python check_savedmodel.py: %v\n%s", pyErr, pyOut)
	}
	for i, e := range cliModels {
		if cliErr[i] != nil {
			t.Fatalf("saved_model_cli show --all --dir %s: %v\n%s", e.dir, cliErr[i], cliOut[i])
		}
		t.Logf("saved_model_cli show --all --dir %s:\n%s", e.dir, cliOut[i])
		checkCLI(t, e, cliOut[i])
	}

	var rep pyReport
	b, err = os.ReadFile(filepath.Join(out, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	t.Logf("Python TensorFlow %s", rep.TensorFlow)
	for _, e := range es {
		t.Run(e.name, func(t *testing.T) {
			dir := filepath.Join(out, pyName(e))
			r, ok := rep.Models[pyName(e)]
			if !ok {
				t.Fatalf("no Python report")
			}
			checkPySignatures(t, e, r.Signatures)
			for _, k := range []string{"serving_default.features", "reconstruct.reconstruction", "free_energy.free_energy"} {
				got := readNPY(t, filepath.Join(dir, k+".npy"))
				d := maxAbsDiff(got, e.want[k])
				t.Logf("%s: max |Python − in-memory| = %.3g", k, d)
				if d > e.tol {
					t.Errorf("%s: Python output differs from the in-memory model by %.3g, want ≤ %g", k, d, e.tol)
				}
			}
			var samples [3]map[string][]float64
			for i := range sampleSeeds {
				samples[i] = map[string][]float64{
					"sample": readNPY(t, filepath.Join(dir, fmt.Sprintf("sample.%d.sample.npy", i))),
					"mean":   readNPY(t, filepath.Join(dir, fmt.Sprintf("sample.%d.mean.npy", i))),
				}
			}
			checkSample(t, e, samples)
			// The same graph and seed give the same draws in Python and in Go.
			sm := load(t, e.dir)
			goSample := run(t, sm, "sample", map[string]*tf.Tensor{"visible": matrixTensor(t, e.x, e.dt),
				"seed": seedTensor(t, sampleSeeds[0][0], sampleSeeds[0][1])})
			for _, name := range []string{"sample", "mean"} {
				py := readNPY(t, filepath.Join(dir, "sample.0."+name+".npy"))
				d := maxAbsDiff(py, values(t, goSample[name]))
				t.Logf("sample.%s with seed (1, 2): max |Python − Go| = %.3g", name, d)
				if d > e.tol {
					t.Errorf("sample.%s with seed (1, 2): Python and Go differ by %.3g", name, d)
				}
			}
			// complete: Python's mean field is Go's Complete; its Gibbs answers are the Go
			// loader's with the same seed, and the same seed twice gives the same answers.
			goComplete := run(t, sm, "complete", completeFeeds(t, e.x, e.dt, sampleSeeds[0], completeSweeps))
			for _, name := range []string{"sample", "mean", "mean_field"} {
				py := readNPY(t, filepath.Join(dir, "complete.0."+name+".npy"))
				if again := readNPY(t, filepath.Join(dir, "complete.1."+name+".npy")); !slices.Equal(py, again) {
					t.Errorf("complete.%s: two Python runs with seed (1, 2) differ", name)
				}
				d := maxAbsDiff(py, values(t, goComplete[name]))
				t.Logf("complete.%s with seed (1, 2): max |Python − Go| = %.3g", name, d)
				if d > e.tol {
					t.Errorf("complete.%s with seed (1, 2): Python and Go differ by %.3g", name, d)
				}
			}
			if d := maxAbsDiff(readNPY(t, filepath.Join(dir, "complete.0.mean_field.npy")), e.want["complete.mean_field"]); d > e.tol {
				t.Errorf("complete.mean_field: Python differs from the in-memory Complete by %.3g, want ≤ %g", d, e.tol)
			} else {
				t.Logf("complete.mean_field: max |Python − in-memory Complete| = %.3g", d)
			}
			// The variables come from the collections and hold the trained values.
			if len(r.Variables) != 3 {
				t.Fatalf("Python sees %d variables, want 3 (weights/W, weights/vb, weights/hb): %+v", len(r.Variables), r.Variables)
			}
			for i, v := range r.Variables {
				key := strings.TrimSuffix(strings.TrimSuffix(v.Name, ":0"), "/VarHandleOp")
				want, ok := e.vars[key]
				if !ok {
					t.Errorf("Python variable %d is %q, not one of the model's", i, v.Name)
					continue
				}
				if v.DType != pyDType(e.dt) {
					t.Errorf("variable %s: dtype %s, want %s", v.Name, v.DType, pyDType(e.dt))
				}
				d := maxAbsDiff(readNPY(t, filepath.Join(dir, fmt.Sprintf("var.%d.npy", i))), want)
				if d != 0 {
					t.Errorf("variable %s differs from the trained value by %.3g", v.Name, d)
				}
			}
		})
	}

	t.Run("tf1-session", func(t *testing.T) {
		got := readNPY(t, filepath.Join(out, "tf1.serving_default.features.npy"))
		if d := maxAbsDiff(got, tf1.want["serving_default.features"]); d > tf1.tol {
			t.Errorf("TF1 session serving_default differs from the in-memory model by %.3g", d)
		}
		if len(rep.TF1.GlobalVariables) != 3 || rep.TF1.TrainableVariables != 3 {
			t.Errorf("TF1 loader: global variables %v, %d trainable; want 3 and 3", rep.TF1.GlobalVariables, rep.TF1.TrainableVariables)
		}
		if !rep.TF1.ZeroAfterInit {
			t.Errorf("global_variables_initializer() did not set the variables to zero")
		}
	})
}

func pyName(e *exported) string { return strings.ReplaceAll(e.name, "/", "-") }

func pyDType(dt tf.DataType) string {
	if dt == tf.Float {
		return "float32"
	}
	return "float64"
}

func cliDType(dt tf.DataType) string {
	if dt == tf.Float {
		return "DT_FLOAT"
	}
	return "DT_DOUBLE"
}

func readNPY(t *testing.T, path string) []float64 {
	t.Helper()
	m, err := dataset.ReadNPY[float64](path)
	if err != nil {
		t.Fatal(err)
	}
	return m.Data
}

// checkPySignatures checks the signatures Python sees: names, dtypes and shapes.
func checkPySignatures(t *testing.T, e *exported, sigs map[string]struct{ Inputs, Outputs map[string]pySpec }) {
	t.Helper()
	if len(sigs) != len(signatureIO) {
		t.Errorf("Python sees %d signatures, want %d", len(sigs), len(signatureIO))
	}
	nv, nh := int64(e.kind.nv), int64(e.kind.nh)
	for key, io := range signatureIO {
		sig, ok := sigs[key]
		if !ok {
			t.Errorf("Python sees no signature %q", key)
			continue
		}
		for _, side := range []struct {
			specs map[string]pySpec
			want  []string
		}{{sig.Inputs, io.in}, {sig.Outputs, io.out}} {
			var names []string
			for n, s := range side.specs {
				names = append(names, n)
				want := pyDType(e.dt)
				if int64Inputs[n] {
					want = "int64"
				}
				if s.DType != want || !slices.Equal(s.Shape, wantShape(key, n, nv, nh)) {
					t.Errorf("%s %q: Python sees %s %v, want %s %v", key, n, s.DType, s.Shape, want, wantShape(key, n, nv, nh))
				}
			}
			sort.Strings(names)
			if !slices.Equal(names, side.want) {
				t.Errorf("%s: Python sees %v, want %v", key, names, side.want)
			}
		}
	}
}

// checkCLI parses `saved_model_cli show --all` output and checks the tag set, every signature
// with its method, and every tensor with its dtype and shape.
func checkCLI(t *testing.T, e *exported, out string) {
	t.Helper()
	if !strings.Contains(out, "MetaGraphDef with tag-set: 'serve' contains the following SignatureDefs:") {
		t.Errorf("saved_model_cli shows no 'serve' tag-set")
	}
	type tensor struct{ dtype, shape string }
	got := map[string]tensor{} // "<signature> <inputs|outputs> <name>"
	methods := map[string]string{}
	var sig, side, name string
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		l := strings.TrimSpace(sc.Text())
		switch {
		case strings.HasPrefix(l, "signature_def['"):
			sig = strings.TrimSuffix(strings.TrimPrefix(l, "signature_def['"), "']:")
		case strings.HasPrefix(l, "inputs['") || strings.HasPrefix(l, "outputs['"):
			side, name, _ = strings.Cut(strings.TrimSuffix(l, "'] tensor_info:"), "['")
		case strings.HasPrefix(l, "dtype: "):
			k := sig + " " + side + " " + name
			got[k] = tensor{dtype: strings.TrimPrefix(l, "dtype: "), shape: got[k].shape}
		case strings.HasPrefix(l, "shape: "):
			k := sig + " " + side + " " + name
			got[k] = tensor{dtype: got[k].dtype, shape: strings.TrimPrefix(l, "shape: ")}
		case strings.HasPrefix(l, "Method name is: "):
			methods[sig] = strings.TrimPrefix(l, "Method name is: ")
		}
	}
	nv, nh := int64(e.kind.nv), int64(e.kind.nh)
	n := 0
	for key, io := range signatureIO {
		if methods[key] != predictMethod {
			t.Errorf("saved_model_cli: signature %q method %q, want %q", key, methods[key], predictMethod)
		}
		for _, side := range []struct {
			what  string
			names []string
		}{{"inputs", io.in}, {"outputs", io.out}} {
			for _, name := range side.names {
				n++
				dt := cliDType(e.dt)
				if int64Inputs[name] {
					dt = "DT_INT64"
				}
				want := tensor{dtype: dt, shape: cliShape(wantShape(key, name, nv, nh))}
				if g := got[key+" "+side.what+" "+name]; g != want {
					t.Errorf("saved_model_cli: %s %s %q is %+v, want %+v", key, side.what, name, g, want)
				}
			}
		}
	}
	if len(got) != n {
		t.Errorf("saved_model_cli shows %d tensors, want %d", len(got), n)
	}
}

// cliShape formats a shape as saved_model_cli prints it: (-1, 12), (-1) or (2).
func cliShape(s []int64) string {
	parts := make([]string, len(s))
	for i, d := range s {
		parts[i] = fmt.Sprint(d)
	}
	return "(" + strings.Join(parts, ", ") + ")"
}
