package pipeline

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"

	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/dbm"
	"github.com/boltzmann-go/boltzmann/internal/atomicfile"
	"github.com/boltzmann-go/boltzmann/picture"
	"github.com/boltzmann-go/boltzmann/rbm"
	"github.com/boltzmann-go/boltzmann/tfevents"
)

// DBMResults are the results of a trained DBM: log Z by AIS, the mean variational lower bound
// on the test images (grey levels and stochastically binarized), dead and saturated hidden
// units, written to <Out>/results.json and as TensorBoard scalars beside the DBM's training
// logs, and its filters and samples drawn into <Out>/filters.png and samples.png. Results
// already computed for the same model and AIS settings are not computed again.
type DBMResults struct {
	// Out is the folder of results.json and the pictures.
	Out string
	// AISBetas and AISRuns are AIS's intermediate distributions and runs. Zero AISBetas
	// means no AIS and no lower bound (an earlier estimate for the same model is kept).
	AISBetas, AISRuns int
	// AISDevices are the devices AIS shares its runs among (nil: this process).
	AISDevices []string
	// DataPath is the data the DBM trained on: the test set of the bound is read from it when
	// it is an MNIST or CIFAR-10 folder.
	DataPath string
	// Seed seeds the binarization of the test images and the chains of samples.png.
	Seed int64
	// BeforeAIS, if set, is called with the DBM's configuration, the runs and the transitions
	// per run before AIS starts; an error stops the stage (bm checks AIS's memory there).
	BeforeAIS func(c dbm.Config, runs, steps int) error
	// Original is the original's code path the DBM follows, named in a log line.
	Original Original
}

// Run computes the results of m, saved in modelDir, trained on d; it returns what it wrote to
// results.json.
func (f *DBMResults) Run(ctx context.Context, m *dbm.DBM, modelDir string, d *Data, h Hooks) (map[string]any, error) {
	// format 2: with the bound on binarized test images.
	// The checkpoint name ties the results to the trained model: a retrained DBM has another.
	head, _ := ReadHead(modelDir) // the DBM was just loaded or saved there
	results := map[string]any{"format": 2, "epochs": m.Epoch(), "ais_betas": f.AISBetas, "ais_runs": f.AISRuns,
		"checkpoint": head.Checkpoint}
	resultsPath := filepath.Join(f.Out, "results.json")
	if b, err := os.ReadFile(resultsPath); err == nil {
		var old map[string]any
		key := func(r map[string]any) string {
			return fmt.Sprint(r["format"], r["checkpoint"], r["epochs"], r["ais_betas"], r["ais_runs"])
		}
		model := func(r map[string]any) string { return fmt.Sprint(r["format"], r["checkpoint"], r["epochs"]) }
		switch {
		case json.Unmarshal(b, &old) != nil:
		case key(old) == key(results):
			h.logf("%s holds the results of this DBM (%v epochs, AIS %v×%v): not recomputed", resultsPath, old["epochs"], old["ais_betas"], old["ais_runs"])
			return old, f.pictures(ctx, m, d, old, h)
		case f.AISBetas == 0 && model(old) == model(results):
			// Without AIS there is nothing new to write: an earlier estimate for this very
			// model stays (a rerun for the fine-tuning alone must not erase hours of AIS).
			h.logf("%s holds the results of this DBM (%v epochs, AIS %v×%v): kept (--ais-betas 0)", resultsPath, old["epochs"], old["ais_betas"], old["ais_runs"])
			return old, f.pictures(ctx, m, d, old, h)
		}
	}
	if f.AISBetas > 0 {
		// The test set of the bound is read before AIS, so that a broken test file is an error
		// naming it before the hours of annealing, never a bound quietly left out.
		binary := true
		for _, u := range m.Config().Units[1:] {
			binary = binary && u.Domain() == rbm.Binary
		}
		var test *dataset.Matrix[float32]
		if binary {
			var err error
			if test, err = dbmTestSet(f.DataPath); err != nil {
				return nil, err
			}
		}
		if f.BeforeAIS != nil {
			if err := f.BeforeAIS(m.Config(), f.AISRuns, f.AISBetas); err != nil {
				return nil, err
			}
		}
		h.logf("AIS: %d intermediate distributions, %d runs", f.AISBetas, f.AISRuns)
		bar := h.start(Run{Epochs: 1, PerEpoch: f.AISBetas, Unit: "β", Desc: fmt.Sprintf("AIS, %d runs", f.AISRuns)})
		z, err := m.AISLogZ(ctx, dbm.AISOptions{Betas: f.AISBetas, Runs: f.AISRuns, Devices: f.AISDevices, OnProgress: func(done, total int) { bar.Batch(1, done, total) }})
		bar.Finish()
		if err != nil {
			return nil, err
		}
		h.logf("log Z ≈ %.2f (log(Ẑ ± σ): %.2f, %.2f)", z.LogZ, z.Low, z.High)
		results["log_z"], results["log_z_low"], results["log_z_high"] = z.LogZ, finiteOr(z.Low), finiteOr(z.High)
		results["log_z_sem_low"], results["log_z_sem_high"], results["log_z_ess"] = finiteOr(z.SEMLow), finiteOr(z.SEMHigh), z.ESS
		h.logf("log Z ± standard error: %.2f … %.2f; effective sample size %.1f of %d runs", z.SEMLow, z.SEMHigh, z.ESS, f.AISRuns)
		if !binary {
			h.logf("no variational lower bound: it is implemented for bernoulli hidden layers only")
		} else if test == nil {
			h.logf("no test lower bound: -data %s is a file, not an MNIST or CIFAR-10 folder with a test set", f.DataPath)
		} else {
			// The bound on the grey-level test images (the original's), and on the test images
			// binarized stochastically with a fixed seed (the literature's protocol). A model
			// trained on standardized rows has its density on standardized rows: the test images
			// are standardized once, as its training rows were, and not binarized (binary rows
			// are not what it was trained on).
			x := dataset.Convert[float64](test)
			sets := []struct {
				key, what string
				x         *dataset.Matrix[float64]
			}{{"test_lower_bound", "grey levels", x}}
			if d.Std != nil {
				if err := dataset.Standardize(d.Std, x); err != nil {
					return nil, fmt.Errorf("%s: test set: %w", f.DataPath, err)
				}
				sets[0].what = "standardized"
				h.logf("no bound on binarized test images: the model was trained on standardized data")
			} else {
				xb := dataset.Convert[float64](test)
				dataset.BinarizeStochastic(xb, uint64(f.Seed))
				sets = append(sets, struct {
					key, what string
					x         *dataset.Matrix[float64]
				}{"test_lower_bound_binarized", "stochastically binarized", xb})
			}
			for _, set := range sets {
				lb, err := m.LowerBound(set.x, z.LogZ)
				if err != nil {
					return nil, err
				}
				var mean float64
				for _, v := range lb {
					mean += v
				}
				mean /= float64(len(lb))
				h.logf("mean variational lower bound on log p(x) over the %d test images (%s): %.2f nats", len(lb), set.what, mean)
				results[set.key] = mean
			}
			// Dead and saturated hidden units on the test images (mean-field activity).
			act, err := m.Activity(sets[0].x)
			if err != nil {
				return nil, err
			}
			var dead, sat []float64
			for l, a := range act {
				dead, sat = append(dead, a.Dead), append(sat, a.Saturated)
				h.logf("hidden layer %d: %.1f %% of its units dead (mean activity < 0.01), %.1f %% saturated (> 0.99) on the test images", l+1, 100*a.Dead, 100*a.Saturated)
			}
			results["dead_units"], results["saturated_units"] = dead, sat
		}
	}
	// The same numbers as TensorBoard scalars beside the DBM's training logs, at its epoch.
	if w, err := tfevents.Continue(filepath.Join(filepath.Dir(filepath.Clean(modelDir)), "logs", "results")); err == nil {
		for _, k := range []string{"log_z", "test_lower_bound", "test_lower_bound_binarized"} {
			if v, ok := results[k].(float64); ok {
				if err := w.Scalar(k, int64(m.Epoch()), v); err != nil {
					w.Close()
					return nil, err
				}
			}
		}
		if err := w.Close(); err != nil {
			return nil, err
		}
	} else {
		return nil, err
	}
	b, _ := json.MarshalIndent(results, "", "  ")
	if err := atomicfile.WriteFile(resultsPath, b); err != nil {
		return nil, err
	}
	return results, f.pictures(ctx, m, d, results, h)
}

// pictures draws the DBM's filters and samples into filters.png and samples.png beside
// results.json, unless results (what results.json holds) records them as drawn for this very
// model and both files are there; it then records them in results.json. The results are thus
// complete only with their pictures: a run killed after results.json but before the pictures
// draws them when it runs again (issue 29, point 5).
func (f *DBMResults) pictures(ctx context.Context, m *dbm.DBM, d *Data, results map[string]any, h Hooks) error {
	if d.Shape == nil {
		return nil
	}
	names := []any{"filters.png", "samples.png"}
	if drawn, ok := results["pictures"].([]any); ok && slices.Equal(drawn, names) && exists(filepath.Join(f.Out, "filters.png")) && exists(filepath.Join(f.Out, "samples.png")) {
		return nil
	}
	p, err := m.Parameters()
	if err != nil {
		return err
	}
	c := m.Config()
	n := min(100, c.Sizes[1])
	img, err := picture.Tiles(rbm.Filters(p.W[0], c.Sizes[0], c.Sizes[1], n), n, d.Shape[0], d.Shape[1], d.Shape[2], 10, true)
	if err != nil {
		return err
	}
	if err := picture.SavePNG(filepath.Join(f.Out, "filters.png"), picture.Scale(img, 2)); err != nil {
		return err
	}
	start := d.Train.SliceRows(0, min(100, d.Train.Rows))
	s, err := m.Sample(ctx, dbm.SampleOptions{Chains: start.Rows, Steps: 1000, Start: start, Seed: f.Seed})
	if err != nil {
		return err
	}
	if d.Std != nil { // standardized data: show the samples in the data's own units
		if err := dataset.Unstandardize(d.Std, s); err != nil {
			return err
		}
	}
	img, err = picture.Tiles(s.Data, s.Rows, d.Shape[0], d.Shape[1], d.Shape[2], 10, false)
	if err != nil {
		return err
	}
	if err := picture.SavePNG(filepath.Join(f.Out, "samples.png"), picture.Scale(img, 2)); err != nil {
		return err
	}
	results["pictures"] = names
	b, _ := json.MarshalIndent(results, "", "  ")
	if err := atomicfile.WriteFile(filepath.Join(f.Out, "results.json"), b); err != nil {
		return err
	}
	h.logf("wrote %s/results.json, filters.png and samples.png", f.Out)
	return nil
}

// dbmTestSet returns the test set of the data folder path (an MNIST or CIFAR-10 folder) for
// the test lower bound, or nil when path is not a folder (an IDX, .npy or CSV file, an
// archive.npz:key: no test set). A test file that cannot be read is an error naming it.
func dbmTestSet(path string) (*dataset.Matrix[float32], error) {
	if st, err := os.Stat(path); err != nil || !st.IsDir() {
		return nil, nil // the training rows were read from path: it is there, as a file
	}
	x, _, err := ReadLabeledSet(path, true)
	if err != nil {
		return nil, fmt.Errorf("the test set of the lower bound: %w", err)
	}
	return x, nil
}

func finiteOr(v float64) any {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return v
}
