package main

import (
	"errors"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/boltzmann-go/boltzmann/crbm"
	"github.com/boltzmann-go/boltzmann/export"
	"github.com/boltzmann-go/boltzmann/pipeline"
	"github.com/boltzmann-go/boltzmann/rbm"
)

func cmdExport(args []string) int {
	log.SetFlags(0)
	log.SetOutput(os.Stderr)
	log.SetPrefix("bm export: ")
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
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if err := dev.check(); err != nil {
		fmt.Fprintf(os.Stderr, "bm export: %v\n", err)
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "bm export: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	if *version < 0 {
		fmt.Fprintf(os.Stderr, "bm export: flag -version: %d, want ≥ 1 (or 0 for the next one)\n", *version)
		return 2
	}
	if *steps <= 0 {
		fmt.Fprintf(os.Stderr, "bm export: flag -sample-steps: %d, want > 0\n", *steps)
		return 2
	}
	if *name != "" {
		if err := export.CheckName(*name); err != nil {
			fmt.Fprintf(os.Stderr, "bm export: flag -name: %v\n", err)
			return 2
		}
	}
	kind, err := exportKind(*model)
	if err != nil {
		return exitStatus("export", err)
	}
	if *name == "" {
		*name = runName(*model)
	}
	var m export.Model
	switch kind {
	case crbm.Kind:
		c, err := dev.loadCRBM(*model)
		if err != nil {
			return exitStatus("export", err)
		}
		defer c.Close()
		if err := checkFinite(*model, c); err != nil {
			return exitStatus("export", err)
		}
		m = c
	case "dbm":
		d, err := dev.loadDBM(*model)
		if err != nil {
			return exitStatus("export", err)
		}
		defer d.Close()
		if err := checkFinite(*model, d); err != nil {
			return exitStatus("export", err)
		}
		m = d
	default:
		r, err := dev.loadRBM(*model)
		if err != nil {
			return exitStatus("export", err)
		}
		defer r.Close()
		if err := checkFinite(*model, r); err != nil {
			return exitStatus("export", err)
		}
		m = r
	}
	v := *version
	if v == 0 {
		if v, err = export.NextVersion(*base, *name); err != nil {
			return exitStatus("export", err)
		}
	}
	opts := &export.Options{Overwrite: *overwrite, SampleSteps: *steps}
	if *raw {
		if opts.Standardizer, err = pipeline.StandardizerFor(*model, logHooks()); err != nil {
			return exitStatus("export", err)
		}
	}
	log.Printf("exporting the %s in %s as version %d of %s (building the serving graph, writing and syncing its variables)…", strings.ToUpper(kind), *model, v, filepath.Join(*base, *name))
	start := time.Now()
	dir, err := export.Write(*base, *name, v, m, opts)
	if err != nil {
		return exitStatus("export", err)
	}
	log.Printf("exported the %s in %s as a SavedModel to %s (%.1f s)", strings.ToUpper(kind), *model, dir, time.Since(start).Seconds())
	return 0
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
