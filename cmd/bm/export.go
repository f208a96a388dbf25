package main

import (
	"log"
	"path/filepath"
	"strings"
	"time"

	"github.com/boltzmann-go/boltzmann/export"
	"github.com/boltzmann-go/boltzmann/pipeline"
	"github.com/boltzmann-go/boltzmann/rbm"
)

func cmdExport(args []string) int {
	fs := newFlagSet("export", "bm export -model DIR [flags]")
	model := fs.String("model", "runs/rbm_mnist/model", "model folder written by bm train or bm dbm (an RBM or a DBM)")
	base := fs.String("base", "savedmodels", "base folder of exported models (TF Serving's model base path)")
	name := fs.String("name", "", "model name: the export goes to <base>/<name>/<version>/ (default: the run folder's name, e.g. dbm_mnist for runs/dbm_mnist/dbm/model)")
	version := fs.Int64("version", 0, "version number (0: one more than the largest present)")
	overwrite := fs.Bool("overwrite", false, "replace an existing version")
	steps := fs.Int("sample-steps", rbm.ServingSteps, "Gibbs steps of the \"sample\" signature")
	raw := fs.Bool("raw-input", true, "when the model was trained on standardized data ("+standardizerFile+" beside its model folder), put the standardization into the export so that it takes raw data (false: it takes standardized data)")
	var dev device
	dev.register(fs, "nothing is split")
	return command("export", fs, args, func() error {
		switch {
		case *version < 0:
			return flagErr("version", "%d, want ≥ 1 (or 0 for the next one)", *version)
		case *steps <= 0:
			return flagErr("sample-steps", "%d, want > 0", *steps)
		}
		if *name != "" {
			if err := export.CheckName(*name); err != nil {
				return flagErr("name", "%v", err)
			}
		}
		m, err := dev.open(*model)
		if err != nil {
			return err
		}
		defer m.Close()
		if *name == "" {
			*name = runName(*model)
		}
		v := *version
		if v == 0 {
			if v, err = export.NextVersion(*base, *name); err != nil {
				return err
			}
		}
		opts := &export.Options{Overwrite: *overwrite, SampleSteps: *steps}
		if *raw {
			if opts.Standardizer, err = pipeline.StandardizerFor(*model, logHooks()); err != nil {
				return err
			}
		}
		kind := strings.ToUpper(m.Kind())
		log.Printf("exporting the %s in %s as version %d of %s (building the serving graph, writing and syncing its variables)…", kind, *model, v, filepath.Join(*base, *name))
		start := time.Now()
		dir, err := export.Write(*base, *name, v, m, opts)
		if err != nil {
			return err
		}
		log.Printf("exported the %s in %s as a SavedModel to %s (%.1f s)", kind, *model, dir, time.Since(start).Seconds())
		return nil
	})
}

// runName names an export after the run folder of the model folder dir: runs/rbm_mnist/model →
// rbm_mnist, runs/dbm_mnist/dbm/model → dbm_mnist.
func runName(dir string) string {
	d := filepath.Clean(pipeline.ResolveModelDir(dir))
	for _, inner := range []string{"model", "dbm", "rbm1", "rbm2"} {
		if filepath.Base(d) == inner {
			d = filepath.Dir(d)
		}
	}
	name := filepath.Base(d)
	if name == "." || name == string(filepath.Separator) || name == ".." {
		return "model"
	}
	return name
}
