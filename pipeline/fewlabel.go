package pipeline

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"

	tf "github.com/galeone/tensorflow/tensorflow/go"

	"github.com/boltzmann-go/boltzmann/internal/atomicfile"
	"github.com/boltzmann-go/boltzmann/mlp"
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

// A FewLabelResult is one measured row of the few-label table.
type FewLabelResult struct {
	Labeled    string          `json:"labeled"`
	NTrain     int             `json:"n_train"`
	NVal       int             `json:"n_val"`
	Pretrained *FineTuneResult `json:"pretrained"`
	Random     *FineTuneResult `json:"random_init"`
}

// FewLabel is the few-label experiment of the original's docs (rbm_discriminative.md,
// dbm_discriminative.md): for 60k, 10k, 1k and 100 labelled MNIST pairs, an MLP fine-tuned
// from a pretrained RBM or DBM and one from random weights, their test accuracies as a table
// (<Out>/<kind>_few_label.md and .json, and Hooks.Output after each row).
type FewLabel struct {
	// Model is the pretrained RBM or DBM (a model folder, or a run folder holding model/).
	// Empty means "models/rbm_mnist".
	Model string
	// Data is the MNIST folder. Empty means "data/mnist".
	Data string
	// Out is the folder of the predictions, kernels, models and the table. Empty means
	// "runs/few_label".
	Out string
	// Rows are the rows to run: "60k", "10k", "1k", "100". Nil means all.
	Rows []string
	// L2 is the L2 weight decay of the hidden kernels. Zero means 1e-5; NoL2: none.
	L2   float64
	NoL2 bool
	// KeepLast keeps the last epoch's weights instead of the best validation epoch's.
	KeepLast bool
	// NoStratify draws each row's training and validation pairs at random, as the original
	// does. By default they are stratified: every class keeps its share, within one pair
	// (LoadLabeledStratified).
	NoStratify bool
	// DType is the MLPs' float type. Zero means tf.Float.
	DType tf.DataType
	// GPU, Target and Threads say where the MLPs run (see mlp.Config).
	GPU, Target string
	Threads     int
}

// Run runs the rows and returns their results. An interrupted fine-tuning ends the table
// after its row.
func (s *FewLabel) Run(ctx context.Context, h Hooks) ([]FewLabelResult, error) {
	model, data, out := cmp.Or(s.Model, "models/rbm_mnist"), cmp.Or(s.Data, "data/mnist"), cmp.Or(s.Out, "runs/few_label")
	l2, keepLast, dt := orZero(cmp.Or(s.L2, 1e-5), s.NoL2), s.KeepLast, cmp.Or(s.DType, tf.Float)
	gpu, target, threads := s.GPU, s.Target, s.Threads
	rowList := strings.Join(s.Rows, ",")
	if s.Rows == nil {
		rowList = "60k,10k,1k,100"
	}
	if !(l2 >= 0) {
		return nil, fieldErr("L2", "%g, want ≥ 0", l2)
	}
	dir := ResolveModelDir(model)
	kind, err := ModelKind(dir)
	if err != nil {
		return nil, err
	}
	net, err := LoadInitNet(dir)
	if err != nil {
		return nil, err
	}
	// A model pretrained on standardized data is fine-tuned on rows standardized once the same
	// way; the standardizer is saved beside each fine-tuned model.
	std, err := StandardizerFor(dir, h)
	if err != nil {
		return nil, err
	}
	want := map[string]bool{}
	for _, r := range strings.Split(rowList, ",") {
		want[strings.TrimSpace(r)] = true
	}
	for r := range want {
		if !slices.ContainsFunc(fewLabelRows(kind, 1), func(x fewLabelRow) bool { return x.name == r }) {
			return nil, fieldErr("Rows", "unknown row %q (want 60k, 10k, 1k or 100)", r)
		}
	}
	var results []FewLabelResult
	for _, row := range fewLabelRows(kind, len(net.Layers)) {
		if !want[row.name] {
			continue
		}
		load := LoadLabeled
		if !s.NoStratify {
			load = LoadLabeledStratified
		}
		d, err := load(data, row.nTrain, row.nVal, 42)
		if err != nil {
			return nil, err
		}
		if err := d.Standardize(std); err != nil {
			return nil, fmt.Errorf("%s: %w", data, err)
		}
		res := FewLabelResult{Labeled: row.name, NTrain: row.nTrain, NVal: row.nVal}
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
			r, err := ft.Run(ctx, d, h)
			if err != nil {
				return nil, err
			}
			if init {
				res.Pretrained = r
			} else {
				res.Random = r
			}
			if r.Interrupted {
				results = append(results, res)
				return results, writeFewLabel(out, kind, results, h)
			}
		}
		results = append(results, res)
		if err := writeFewLabel(out, kind, results, h); err != nil {
			return nil, err
		}
	}
	return results, nil
}

// writeFewLabel sends the table as the original's README shows it to h.Output and writes it as
// Markdown and JSON into out.
func writeFewLabel(out, kind string, results []FewLabelResult, h Hooks) error {
	name := strings.ToUpper(kind)
	var b strings.Builder
	fmt.Fprintf(&b, "| labeled pairs | %s + fine-tuning | random init | gain |\n|---|---|---|---|\n", name)
	for _, r := range results {
		cell := func(f *FineTuneResult) string {
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
	if h.Output != nil {
		h.Output(b.String())
	}
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
