package dataset

import (
	"archive/zip"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/boltzmann-go/boltzmann/internal/venv"
)

func TestReadCSV(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(body), 0o644)
		return p
	}
	m, err := ReadCSV[float64](write("a.csv", "a,b,c\n1,2,3\n4, 5.5 ,-6e-1\n"))
	if err != nil || m.Rows != 2 || m.Cols != 3 || m.Data[4] != 5.5 || m.Data[5] != -0.6 {
		t.Fatalf("ReadCSV = %v, %v", m, err)
	}
	for name, c := range map[string]struct {
		body string
		want error
		says string
	}{
		"ragged":      {"1,2\n3\n", ErrShape, "line 2 has 1 fields"},
		"not number":  {"1,2\n3,x\n", ErrFormat, `line 2 column 2: "x"`},
		"empty":       {"", ErrFormat, "no numeric rows"},
		"header only": {"a,b\n", ErrFormat, "no numeric rows"},
	} {
		if _, err := ReadCSV[float32](write(name+".csv", c.body)); !errors.Is(err, c.want) || !strings.Contains(err.Error(), c.says) {
			t.Errorf("%s: %v, want %v saying %q", name, err, c.want, c.says)
		}
	}
}

func TestReadNPZ(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.npz")
	f, _ := os.Create(path)
	z := zip.NewWriter(f)
	for name, body := range map[string][]byte{
		"x.npy": npyBytes(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 2), }", f64le(1, 2)),
		"y.npy": npyBytes(1, "{'descr': '|u1', 'fortran_order': False, 'shape': (3,), }", []byte{7, 8, 9}),
	} {
		w, _ := z.Create(name)
		w.Write(body)
	}
	z.Close()
	f.Close()
	if m, err := ReadNPZ[float64](path, "y"); err != nil || m.Rows != 3 || m.Data[2] != 9 {
		t.Errorf("ReadNPZ y = %v, %v", m, err)
	}
	if _, err := ReadNPZ[float64](path, ""); !errors.Is(err, ErrArgument) || !strings.Contains(err.Error(), "x, y") {
		t.Errorf("no key in an archive of two: %v, want the keys listed", err)
	}
	if _, err := ReadNPZ[float64](path, "z"); !errors.Is(err, ErrArgument) {
		t.Errorf("missing key: %v", err)
	}
	if _, err := ReadNPZ[float64](filepath.Join(t.TempDir(), "none.npz"), ""); err == nil {
		t.Error("missing file: no error")
	}
}

// TestNumpyFormats reads what numpy itself writes: Fortran order, bool, int16, float16, a
// compressed .npz and a CSV with a header.
func TestNumpyFormats(t *testing.T) {
	py := venv.Tool(t, "python")
	dir := t.TempDir()
	script := `
import numpy as np, sys
d = sys.argv[1]
x = np.arange(6, dtype=np.float64).reshape(2, 3) / 4
np.save(d + "/fortran.npy", np.asfortranarray(x))
np.save(d + "/bool.npy", x > 0.5)
np.save(d + "/i2.npy", (x * -100).astype(np.int16))
np.save(d + "/f2.npy", x.astype(np.float16))
np.savez_compressed(d + "/a.npz", data=x, labels=np.array([1, 2]))
np.savetxt(d + "/a.csv", x, delimiter=",", header="a,b,c", comments="")
`
	cmd := exec.Command(py, "-c", script, dir)
	cmd.Env = venv.Env()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("numpy: %v\n%s", err, out)
	}
	want := []float64{0, 0.25, 0.5, 0.75, 1, 1.25}
	check := func(name string, m *Matrix[float64], err error, f func(float64) float64) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if m.Rows != 2 || m.Cols != 3 {
			t.Fatalf("%s: %d×%d, want 2×3", name, m.Rows, m.Cols)
		}
		for i, v := range m.Data {
			if v != f(want[i]) {
				t.Errorf("%s: element %d = %g, want %g", name, i, v, f(want[i]))
			}
		}
	}
	id := func(v float64) float64 { return v }
	m, err := ReadNPY[float64](filepath.Join(dir, "fortran.npy"))
	check("fortran order", m, err, id)
	m, err = ReadNPY[float64](filepath.Join(dir, "bool.npy"))
	check("bool", m, err, func(v float64) float64 {
		if v > 0.5 {
			return 1
		}
		return 0
	})
	m, err = ReadNPY[float64](filepath.Join(dir, "i2.npy"))
	check("int16", m, err, func(v float64) float64 { return float64(int16(v * -100)) })
	m, err = ReadNPY[float64](filepath.Join(dir, "f2.npy"))
	check("float16", m, err, id)
	m, err = ReadNPZ[float64](filepath.Join(dir, "a.npz"), "data")
	check("npz", m, err, id)
	m, err = ReadCSV[float64](filepath.Join(dir, "a.csv"))
	check("csv", m, err, func(v float64) float64 { return v })
}
