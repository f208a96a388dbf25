package pipeline

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/boltzmann-go/boltzmann/crbm"
	"github.com/boltzmann-go/boltzmann/internal/modeldir"
	"github.com/boltzmann-go/boltzmann/mlp"
)

// Describe returns what the model folder dir (or a run folder holding model/) holds, one
// "name  value" line each: kind, layer sizes, units, dtype, epochs trained of planned, its
// checkpoint, whether it takes standardized data, the last epoch's metrics and the results
// beside it. The folder is loaded first, so that what it says is checked as loading checks it.
func Describe(dir string) (string, error) {
	dir = ResolveModelDir(dir)
	raw, err := modeldir.Read(dir)
	if err != nil {
		return "", err
	}
	var mj struct {
		Kind, DType, Checkpoint string
		Epoch                   int
		Updates                 int64
		Units                   []map[string]any
		Visible, Hidden         map[string]any
		Config                  map[string]any
	}
	if err := json.Unmarshal(raw, &mj); err != nil {
		return "", modeldir.Inconsistent(fmt.Errorf("%s: %s: %w", dir, modeldir.File, err))
	}
	// What the folder says is checked as loading it checks it (its kind, its description
	// against itself and against the checkpoint's tensors) before it is shown.
	if err := checkModelFolder(dir, mj.Kind); err != nil {
		return "", err
	}
	var b strings.Builder
	c := mj.Config
	fmt.Fprintf(&b, "model      %s\n", dir)
	fmt.Fprintf(&b, "kind       %s (%s)\n", mj.Kind, mj.DType)
	switch {
	case c["Sizes"] != nil:
		fmt.Fprintf(&b, "layers     %s\n", joinNumbers(c["Sizes"], "-"))
	case c["Classes"] != nil:
		fmt.Fprintf(&b, "layers     %v-%v, %v label units (%v training)\n", c["NumVisible"], c["NumHidden"], c["Classes"], c["Mode"])
	case c["NumVisible"] != nil:
		fmt.Fprintf(&b, "layers     %v-%v\n", c["NumVisible"], c["NumHidden"])
	case c["Inputs"] != nil:
		sizes := fmt.Sprint(c["Inputs"])
		if ls, ok := c["Layers"].([]any); ok {
			for _, l := range ls {
				if m, ok := l.(map[string]any); ok {
					sizes += fmt.Sprintf("-%v", m["Units"])
				}
			}
		}
		fmt.Fprintf(&b, "layers     %s\n", sizes)
	}
	units := mj.Units
	if mj.Visible != nil {
		units = []map[string]any{mj.Visible, mj.Hidden}
	}
	if len(units) > 0 {
		var names []string
		for _, u := range units {
			names = append(names, unitName(u))
		}
		fmt.Fprintf(&b, "units      %s\n", strings.Join(names, ", "))
	}
	fmt.Fprintf(&b, "trained    %d of %v epochs, %d updates (checkpoint %s)\n", mj.Epoch, c["Epochs"], mj.Updates, mj.Checkpoint)
	run := filepath.Dir(filepath.Clean(dir))
	if _, err := os.Stat(filepath.Join(run, StandardizerFile)); err == nil {
		fmt.Fprintf(&b, "input      standardized (%s): bm export and bm transform take raw data\n", filepath.Join(run, StandardizerFile))
	}
	if h, err := LoadHistory(run, mj.Epoch); err == nil && len(h) > 0 {
		last, _ := json.Marshal(h[len(h)-1])
		fmt.Fprintf(&b, "last epoch %s\n", last)
	}
	for _, p := range []string{filepath.Join(run, "results.json"), filepath.Join(filepath.Dir(run), "results.json")} {
		if r, err := os.ReadFile(p); err == nil {
			fmt.Fprintf(&b, "results    %s: %s\n", p, strings.Join(strings.Fields(string(r)), " "))
			break
		}
	}
	return b.String(), nil
}

// unitName formats a saved unit description such as {"type": "multinomial", "Draws": 3}.
func unitName(u map[string]any) string {
	name := fmt.Sprint(u["type"])
	var extra []string
	for k, v := range u {
		if k != "type" {
			extra = append(extra, fmt.Sprintf("%s %v", k, v))
		}
	}
	sort.Strings(extra)
	if len(extra) > 0 {
		name += " (" + strings.Join(extra, ", ") + ")"
	}
	return name
}

func joinNumbers(v any, sep string) string {
	var parts []string
	if xs, ok := v.([]any); ok {
		for _, x := range xs {
			parts = append(parts, fmt.Sprint(x))
		}
	}
	return strings.Join(parts, sep)
}

// checkModelFolder loads the model of the given kind saved in dir, and closes it: an error
// names what is inconsistent. RBMs and DBMs open through OpenModel; classification RBMs and
// MLPs, which are no Model, load by their own packages.
func checkModelFolder(dir, kind string) error {
	if kind != "rbm" && kind != "dbm" && kind != "mlp" && kind != crbm.Kind {
		return modeldir.Inconsistent(fmt.Errorf("%s: %s names kind %q, want rbm, dbm, crbm or mlp", dir, modeldir.File, kind))
	}
	if kind == "rbm" || kind == "dbm" {
		m, err := OpenModel(dir, Placement{})
		if err != nil {
			return err
		}
		return m.Close()
	}
	if err := CheckKind(dir, kind); err != nil {
		return err
	}
	var m interface{ Close() error }
	var err error
	if kind == crbm.Kind {
		m, err = crbm.Load(dir, 0)
	} else {
		m, err = mlp.Load(dir)
	}
	if err != nil {
		return err
	}
	return m.Close()
}
