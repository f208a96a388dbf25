package export

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sync"
	"testing"

	tf "github.com/galeone/tensorflow/tensorflow/go"

	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/rbm"
)

// fixtureDir holds the exports shared by the round-trip tests; TestMain removes it.
var fixtureDir string

func TestMain(m *testing.M) {
	if base := os.Getenv(crashHelperEnv); base != "" {
		os.Exit(crashHelper(base))
	}
	dir, err := os.MkdirTemp("", "export-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fixtureDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// An exported model: a trained RBM written with Write, test data, and what the in-memory
// model computes on it.
type exported struct {
	name  string // kind/dtype
	kind  kind
	dt    tf.DataType
	tol   float64
	dir   string
	x     *dataset.Matrix[float64] // test inputs, 7 rows
	want  map[string][]float64     // in-memory outputs by "<signature>.<output>"
	shape map[string][]int64       // their shapes
	vars  map[string][]float64     // trained parameters by checkpoint key: weights/W, weights/vb, weights/hb
}

var (
	exportsOnce sync.Once
	exportsList []*exported
	exportsErr  error
)

// exports trains, exports and evaluates one RBM per kind and dtype, once per test binary.
func exports(t *testing.T) []*exported {
	t.Helper()
	exportsOnce.Do(func() { exportsList, exportsErr = buildExports() })
	if exportsErr != nil {
		t.Fatalf("building the exported models: %v", exportsErr)
	}
	return exportsList
}

func buildExports() ([]*exported, error) {
	var out []*exported
	for _, k := range kinds {
		for _, d := range dtypes {
			e, err := buildExport(k, d.dt, d.tol, d.name)
			if err != nil {
				return nil, fmt.Errorf("%s/%s: %w", k.name, d.name, err)
			}
			out = append(out, e)
		}
	}
	return out, nil
}

func buildExport(k kind, dt tf.DataType, tol float64, dtName string) (*exported, error) {
	m, err := k.train(dt)
	if err != nil {
		return nil, err
	}
	defer m.Close()
	e := &exported{name: k.name + "/" + dtName, kind: k, dt: dt, tol: tol, x: k.data(7, 2),
		want: map[string][]float64{}, shape: map[string][]int64{}}
	h, err := m.Transform(e.x)
	if err != nil {
		return nil, err
	}
	rec, err := m.Reconstruct(e.x)
	if err != nil {
		return nil, err
	}
	fe, err := m.FreeEnergy(e.x)
	if err != nil {
		return nil, err
	}
	w, vb, hb, err := m.Weights()
	if err != nil {
		return nil, err
	}
	e.vars = map[string][]float64{"weights/W": w, "weights/vb": vb, "weights/hb": hb}
	e.want["serving_default.features"], e.shape["serving_default.features"] = h.Data, []int64{int64(h.Rows), int64(h.Cols)}
	e.want["reconstruct.reconstruction"], e.shape["reconstruct.reconstruction"] = rec.Data, []int64{int64(rec.Rows), int64(rec.Cols)}
	e.want["free_energy.free_energy"], e.shape["free_energy.free_energy"] = fe, []int64{int64(len(fe))}
	mf, err := m.Complete(context.Background(), e.x, rbm.CompleteOptions{Mask: completeMask(e.x.Cols), MeanField: true, Sweeps: completeSweeps, Tol: math.SmallestNonzeroFloat64})
	if err != nil {
		return nil, err
	}
	e.want["complete.mean_field"] = mf.Means.Data
	e.dir, err = Write(filepath.Join(fixtureDir, "models"), k.name+"-"+dtName, 1, m, nil)
	if err != nil {
		return nil, err
	}
	return e, nil
}
