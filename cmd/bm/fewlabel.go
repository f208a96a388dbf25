package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"

	"github.com/boltzmann-go/boltzmann/internal/atomicfile"
	"github.com/boltzmann-go/boltzmann/mlp"
	"github.com/boltzmann-go/boltzmann/pipeline"
	"github.com/boltzmann-go/boltzmann/tfops"
)

// fewLabelRow is one row of the original's "one-shot style" tables: a number of labelled
// pairs, split into training and validation rows, and the fine-tuning settings of the
// original's docs/rbm_discriminative.md and docs/dbm_discriminative.md for it.
type fewLabelRow struct {
	name         string // "60k", "10k", "1k", "100"
	prefix       string // save prefix stem: full, 10k, 900_100, 90_10
	nTrain, nVal int
	batch        int
	monitor      string
	epochs       int
	lrm          []float64 // pretrained multipliers (random init uses 1 everywhere)
}

// fewLabelRows returns the rows for a model with the given number of hidden layers.
func fewLabelRows(kind string, hidden int) []fewLabelRow {
	lrm := func(rbmV, dbmV []float64) []float64 {
		if kind == "rbm" {
			return rbmV
		}
		return dbmV
	}
	// The DBM's multipliers are the original's 0.01, 0.1, 1 for two hidden layers: a tenth
	// for each layer further from the output.
	dbmLRM := make([]float64, hidden+1)
	for i := range dbmLRM {
		dbmLRM[i] = math.Pow(10, -float64(hidden-i))
	}
	return []fewLabelRow{
		{"60k", "full", 55000, 5000, 128, mlp.ValAcc, 100, lrm([]float64{0.1, 1}, dbmLRM)},
		{"10k", "10k", 9000, 1000, 128, mlp.ValAcc, 100, lrm([]float64{0.01, 1}, dbmLRM)},
		{"1k", "900_100", 900, 100, 32, mlp.ValAcc, 100, lrm([]float64{0.01, 1}, dbmLRM)},
		{"100", "90_10", 90, 10, 32, mlp.ValLoss, 1000, lrm([]float64{0.01, 1}, dbmLRM)},
	}
}

// fewLabelResult is one measured row.
type fewLabelResult struct {
	Labeled    string                   `json:"labeled"`
	NTrain     int                      `json:"n_train"`
	NVal       int                      `json:"n_val"`
	Pretrained *pipeline.FineTuneResult `json:"pretrained"`
	Random     *pipeline.FineTuneResult `json:"random_init"`
}

func cmdFewLabel(args []string) int {
	fs := newFlagSet("few-label", "bm few-label -model DIR [flags]")
	model := fs.String("model", "models/rbm_mnist", "pretrained RBM or DBM (model folder, or run folder holding model/)")
	data := fs.String("data", "data/mnist", "MNIST folder")
	out := fs.String("out", "runs/few_label", "folder for predictions, targets, fine-tuned kernels, models and the table")
	rows := fs.String("rows", "60k,10k,1k,100", "rows of the table to run (comma-separated: 60k, 10k, 1k, 100)")
	l2 := fs.Float64("mlp-l2", 1e-5, "L2 weight decay of the hidden kernels")
	keepLast := fs.Bool("mlp-keep-last", false, "keep the last epoch's weights as the original (Keras 2.0.8); default: restore the best validation epoch's")
	dtype := fs.String("dtype", "float32", "float32 or float64")
	gpu := fs.String("gpu", "", "GPU ids to use, e.g. 0; empty means CPU")
	threads := fs.Int("threads", 0, "TensorFlow intra-op threads (0: one per core)")
	quiet := fs.Bool("quiet", false, "no progress bars")
	var cl cluster
	cl.register(fs, "every fine-tuning's MLP runs on task 0")
	return command("few-label", fs, args, func() error {
		if err := cl.check(*gpu); err != nil {
			return err
		}
		target, _, _ := cl.plan()
		return cl.wrap(fewLabel(*model, *data, *out, *rows, *l2, *keepLast, *dtype, *gpu, target, *threads, *quiet))
	})
}

func fewLabel(model, data, out, rowList string, l2 float64, keepLast bool, dtype, gpu, target string, threads int, quiet bool) error {
	dt, err := tfops.ParseDType(dtype)
	if err != nil {
		return flagErr("dtype", "%v", err)
	}
	if !(l2 >= 0) {
		return flagErr("mlp-l2", "%g, want ≥ 0", l2)
	}
	dir := pipeline.ResolveModelDir(model)
	kind, err := pipeline.ModelKind(dir)
	if err != nil {
		return err
	}
	net, err := pipeline.LoadInitNet(dir)
	if err != nil {
		return err
	}
	// A model pretrained on standardized data is fine-tuned on rows standardized once the same
	// way; the standardizer is saved beside each fine-tuned model.
	std, err := pipeline.StandardizerFor(dir, logHooks())
	if err != nil {
		return err
	}
	want := map[string]bool{}
	for _, r := range strings.Split(rowList, ",") {
		want[strings.TrimSpace(r)] = true
	}
	for r := range want {
		if !slices.ContainsFunc(fewLabelRows(kind, 1), func(x fewLabelRow) bool { return x.name == r }) {
			return flagErr("rows", "unknown row %q (want 60k, 10k, 1k or 100)", r)
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	var results []fewLabelResult
	for _, row := range fewLabelRows(kind, len(net.Layers)) {
		if !want[row.name] {
			continue
		}
		d, err := pipeline.LoadLabeled(data, row.nTrain, row.nVal, 42)
		if err != nil {
			return err
		}
		if err := d.Standardize(std); err != nil {
			return fmt.Errorf("%s: %w", data, err)
		}
		res := fewLabelResult{Labeled: row.name, NTrain: row.nTrain, NVal: row.nVal}
		for _, init := range []bool{true, false} {
			ft := net.FineTune(!init)
			ft.L2, ft.Epochs, ft.BatchSize, ft.Monitor, ft.KeepLast, ft.Std = l2, row.epochs, row.batch, row.monitor, keepLast, std
			ft.DType, ft.GPU, ft.Target, ft.Threads = dt, gpu, target, threads
			stem := kind + "_" + row.prefix + "_"
			if init {
				ft.LRM = row.lrm
			} else {
				stem = kind + "_no_init_" + row.prefix + "_"
			}
			ft.Prefix, ft.Dir = filepath.Join(out, stem), filepath.Join(out, stem+"mlp")
			ft.What = fmt.Sprintf("%s labels, %s", row.name, map[bool]string{true: kind + " init", false: "random init"}[init])
			r, err := ft.Run(ctx, d, hooks(quiet))
			if err != nil {
				return err
			}
			if init {
				res.Pretrained = r
			} else {
				res.Random = r
			}
			if r.Interrupted {
				return printFewLabel(out, kind, append(results, res))
			}
		}
		results = append(results, res)
		if err := printFewLabel(out, kind, results); err != nil {
			return err
		}
	}
	return nil
}

// printFewLabel prints the table as the original's README shows it and writes it as Markdown
// and JSON into out.
func printFewLabel(out, kind string, results []fewLabelResult) error {
	name := strings.ToUpper(kind)
	var b strings.Builder
	fmt.Fprintf(&b, "| labeled pairs | %s + fine-tuning | random init | gain |\n|---|---|---|---|\n", name)
	for _, r := range results {
		cell := func(f *pipeline.FineTuneResult) string {
			if f == nil {
				return "—"
			}
			return fmt.Sprintf("%.2f%%", 100*f.TestAcc)
		}
		gain := "—"
		if r.Pretrained != nil && r.Random != nil {
			gain = fmt.Sprintf("%+.2f%%", 100*(r.Pretrained.TestAcc-r.Random.TestAcc))
		}
		fmt.Fprintf(&b, "| %s (%d+%d) | %s | %s | %s |\n", r.Labeled, r.NTrain, r.NVal, cell(r.Pretrained), cell(r.Random), gain)
	}
	fmt.Print(b.String())
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	if err := atomicfile.WriteFile(filepath.Join(out, kind+"_few_label.md"), []byte(b.String())); err != nil {
		return err
	}
	j, err := json.MarshalIndent(results, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(filepath.Join(out, kind+"_few_label.json"), append(j, '\n'))
}
