package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/boltzmann-go/boltzmann/internal/modeldir"
	"github.com/boltzmann-go/boltzmann/mlp"
	"github.com/boltzmann-go/boltzmann/pipeline"
)

// commandsFile, in a run folder, lists the bm command lines that trained or resumed its model.
const commandsFile = "commands.txt"

func cmdInfo(args []string) int {
	fs := newFlagSet("info", "bm info -model DIR")
	model := fs.String("model", "runs/rbm_mnist/model", "model folder (or run folder holding model/) written by any bm command")
	return command("info", fs, args, func() error { return info(*model) })
}

// info prints what a model folder holds: kind, layer sizes, units, dtype, epochs trained of
// planned, its checkpoint, the last metrics and results beside it, whether it takes
// standardized data, and the commands that made it.
func info(dir string) error {
	dir = pipeline.ResolveModelDir(dir)
	b, err := modeldir.Read(dir)
	if err != nil {
		return err
	}
	var mj struct {
		Kind, DType, Checkpoint string
		Epoch                   int
		Updates                 int64
		Units                   []map[string]any
		Visible, Hidden         map[string]any
		Config                  map[string]any
	}
	if err := json.Unmarshal(b, &mj); err != nil {
		return modeldir.Inconsistent(fmt.Errorf("%s: %s: %w", dir, modeldir.File, err))
	}
	// What the folder says is checked as loading it checks it (its kind, its description
	// against itself and against the checkpoint's tensors) before it is shown.
	if err := checkModelFolder(dir, mj.Kind); err != nil {
		return err
	}
	c := mj.Config
	fmt.Printf("model      %s\n", dir)
	fmt.Printf("kind       %s (%s)\n", mj.Kind, mj.DType)
	switch {
	case c["Sizes"] != nil:
		fmt.Printf("layers     %s\n", joinNumbers(c["Sizes"], "-"))
	case c["NumVisible"] != nil:
		fmt.Printf("layers     %v-%v\n", c["NumVisible"], c["NumHidden"])
	case c["Inputs"] != nil:
		sizes := fmt.Sprint(c["Inputs"])
		if ls, ok := c["Layers"].([]any); ok {
			for _, l := range ls {
				if m, ok := l.(map[string]any); ok {
					sizes += fmt.Sprintf("-%v", m["Units"])
				}
			}
		}
		fmt.Printf("layers     %s\n", sizes)
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
		fmt.Printf("units      %s\n", strings.Join(names, ", "))
	}
	fmt.Printf("trained    %d of %v epochs, %d updates (checkpoint %s)\n", mj.Epoch, c["Epochs"], mj.Updates, mj.Checkpoint)
	run := filepath.Dir(filepath.Clean(dir))
	if _, err := os.Stat(filepath.Join(run, standardizerFile)); err == nil {
		fmt.Printf("input      standardized (%s): bm export and bm transform take raw data\n", filepath.Join(run, standardizerFile))
	}
	if h, err := pipeline.LoadHistory(run, mj.Epoch); err == nil && len(h) > 0 {
		last, _ := json.Marshal(h[len(h)-1])
		fmt.Printf("last epoch %s\n", last)
	}
	for _, p := range []string{filepath.Join(run, "results.json"), filepath.Join(filepath.Dir(run), "results.json")} {
		if r, err := os.ReadFile(p); err == nil {
			fmt.Printf("results    %s: %s\n", p, strings.Join(strings.Fields(string(r)), " "))
			break
		}
	}
	if cmds, err := os.ReadFile(filepath.Join(run, commandsFile)); err == nil {
		fmt.Printf("made by\n%s", indent(string(cmds)))
	}
	return nil
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

func indent(s string) string {
	var b strings.Builder
	for _, l := range strings.Split(strings.TrimRight(s, "\n"), "\n") {
		b.WriteString("  " + l + "\n")
	}
	return b.String()
}

var (
	invocation []string // the command line run was called with, for the commands file
	startTime  = time.Now()
	notedMu    sync.Mutex
	noted      = map[string]bool{} // run folders whose commands file has this process's line
)

// noteCommand appends this command line (bm and its arguments), with the time, to the commands file of the
// run folder of the model folder dir (once per process and folder).
func noteCommand(dir string) {
	run := filepath.Dir(filepath.Clean(dir))
	notedMu.Lock()
	defer notedMu.Unlock()
	if noted[run] {
		return
	}
	noted[run] = true
	if err := os.MkdirAll(run, 0o755); err != nil {
		return
	}
	f, err := os.OpenFile(filepath.Join(run, commandsFile), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return
	}
	defer f.Close()
	var args []string
	for _, a := range invocation {
		if a == "" || strings.ContainsAny(a, " \t'\"$") {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		args = append(args, a)
	}
	fmt.Fprintf(f, "%s  %s\n", startTime.Format("2006-01-02 15:04:05"), strings.Join(args, " "))
}

// checkModelFolder loads the model of the given kind saved in dir, and closes it: an error
// names what is inconsistent.
func checkModelFolder(dir, kind string) error {
	if kind != "rbm" && kind != "dbm" && kind != "mlp" {
		return modeldir.Inconsistent(fmt.Errorf("%s: %s names kind %q, want rbm, dbm or mlp", dir, modeldir.File, kind))
	}
	if kind != "mlp" {
		m, err := pipeline.OpenModel(dir, pipeline.Placement{})
		if err != nil {
			return err
		}
		return m.Close()
	}
	if err := pipeline.CheckKind(dir, kind); err != nil {
		return err
	}
	m, err := mlp.Load(dir)
	if err != nil {
		return err
	}
	return m.Close()
}
