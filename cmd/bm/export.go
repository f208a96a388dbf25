package main

import (
	"log"
	"path/filepath"
	"strings"
	"time"

	"github.com/boltzmann-go/boltzmann/crbm"
	"github.com/boltzmann-go/boltzmann/export"
	"github.com/boltzmann-go/boltzmann/pipeline"
	"github.com/boltzmann-go/boltzmann/rbm"
)

func cmdExport(args []string) int {
	fs := newFlagSet("export", "bm export -model DIR [flags]")
	model := fs.String("model", "runs/rbm_mnist/model", "model folder written by bm train, bm dbm or bm crbm (an RBM, a DBM or a classification RBM)")
	base := fs.String("base", "savedmodels", "base folder of exported models (TF Serving's model base path)")
	name := fs.String("name", "", "model name: the export goes to <base>/<name>/<version>/ (default: the run folder's name, e.g. dbm_mnist for runs/dbm_mnist/dbm/model)")
	version := fs.Int64("version", 0, "version number (0: one more than the largest present)")
	overwrite := fs.Bool("overwrite", false, "replace an existing version")
	steps := fs.Int("sample-steps", rbm.ServingSteps, "Gibbs steps of the \"sample\" signature, and the most sweeps of the \"complete\" signature")
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
		m, kind, err := exportModel(&dev, *model)
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

// exportModel opens the model in dir for export on dev: an RBM or DBM through dev.open
// (pipeline.OpenModel), a classification RBM (no pipeline.Model) through dev.loadCRBM. It
// returns the model and its kind in capitals for the log.
func exportModel(dev *device, dir string) (interface {
	export.Model
	Close() error
}, string, error) {
	if err := dev.check(); err != nil {
		return nil, "", err
	}
	kind, err := exportKind(dir)
	if err != nil {
		return nil, "", err
	}
	if kind != crbm.Kind {
		m, err := dev.open(dir)
		if err != nil {
			return nil, "", err
		}
		return m, strings.ToUpper(m.Kind()), nil
	}
	c, err := dev.loadCRBM(dir)
	if err != nil {
		return nil, "", err
	}
	if err := pipeline.CheckFinite(dir, c); err != nil {
		c.Close()
		return nil, "", err
	}
	return c, "CRBM", nil
}

// exportKind returns the kind of the model in dir: rbm, dbm (pipeline.ModelKind) or crbm.
func exportKind(dir string) (string, error) {
	if head, err := pipeline.ReadHead(dir); err == nil && head.Kind == crbm.Kind {
		return head.Kind, pipeline.CheckKind(dir, head.Kind)
	}
	return pipeline.ModelKind(dir)
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
