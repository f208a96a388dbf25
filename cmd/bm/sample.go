package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"path/filepath"
	"strings"

	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/dbm"
	"github.com/boltzmann-go/boltzmann/picture"
	"github.com/boltzmann-go/boltzmann/pipeline"
	"github.com/boltzmann-go/boltzmann/rbm"
)

// maxChains bounds bm sample -chains.
const maxChains = 10000

func cmdSample(args []string) int {
	log.SetFlags(0)
	log.SetOutput(os.Stderr)
	log.SetPrefix("bm sample: ")
	fs := newFlagSet("sample", "bm sample -model DIR [flags]")
	model := fs.String("model", "runs/rbm_mnist/model", "model folder written by bm train or bm dbm (an RBM or a DBM)")
	out := fs.String("out", "samples.png", "picture to write: a .png file (or .jpg for JPEG)")
	chains := fs.Int("chains", 100, "number of Gibbs chains")
	steps := fs.Int("steps", 1000, "Gibbs steps per chain")
	seed := fs.Int64("seed", 1, "random seed")
	shape := fs.String("image-shape", "28,28,1", "height,width,channels of one visible vector")
	var dev device
	dev.register(fs, "nothing is split")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 { // as every other command: a stray word would end the flags silently
		fmt.Fprintf(os.Stderr, "bm sample: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	if err := dev.check(); err != nil {
		fmt.Fprintf(os.Stderr, "bm sample: %v\n", err)
		return 2
	}
	sh, err := parseShape(*shape)
	if err != nil {
		fmt.Fprintf(os.Stderr, "bm sample: flag -image-shape: %v\n", err)
		return 2
	}
	if *chains <= 0 || *steps <= 0 {
		fmt.Fprintf(os.Stderr, "bm sample: flags -chains and -steps must be positive\n")
		return 2
	}
	// The picture holds every chain: more than 10,000 is not a picture anyone looks at, and the
	// bound keeps the chains' memory (chains × units × layers) from exhausting the machine.
	if *chains > maxChains {
		fmt.Fprintf(os.Stderr, "bm sample: flag -chains: %d, at most %d (one tile per chain)\n", *chains, maxChains)
		return 2
	}
	if st, err := os.Stat(*out); err == nil && st.IsDir() {
		fmt.Fprintf(os.Stderr, "bm sample: flag -out: %s is a folder, want a PNG file name\n", *out)
		return 2
	}
	// The picture is written in the format its name says: PNG, or JPEG for .jpg and .jpeg.
	ext := strings.ToLower(filepath.Ext(*out))
	if ext != ".png" && ext != ".jpg" && ext != ".jpeg" {
		fmt.Fprintf(os.Stderr, "bm sample: flag -out: %q, want a .png (or .jpg) file name\n", *out)
		return 2
	}
	kind, err := pipeline.ModelKind(*model)
	if err != nil {
		return exitStatus("sample", err)
	}
	// A model trained on standardized data samples standardized rows: the picture shows them in
	// the data's own units, the standardization undone once (as bm dbm's samples.png and the
	// SavedModel's sample signature).
	std, err := pipeline.ModelStandardizer(*model)
	if err != nil {
		return exitStatus("sample", err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	var means *dataset.Matrix[float64]
	var nv int
	var serr error
	bar := newUnitProgress(false, 0, 1, *steps, "step", fmt.Sprintf("%d chains", *chains))
	progress := func(done, total int) { bar.Batch(1, min(done, *steps), total) }
	if kind == "dbm" {
		m, err := dev.loadDBM(*model)
		if err != nil {
			return exitStatus("sample", err)
		}
		defer m.Close()
		if err := checkFinite(*model, m); err != nil {
			return exitStatus("sample", err)
		}
		if nv = m.Config().Sizes[0]; sh[0]*sh[1]*sh[2] == nv {
			means, serr = m.Sample(ctx, dbm.SampleOptions{Chains: *chains, Steps: *steps, Seed: *seed, OnProgress: progress})
		}
	} else {
		m, err := dev.loadRBM(*model)
		if err != nil {
			return exitStatus("sample", err)
		}
		defer m.Close()
		if err := checkFinite(*model, m); err != nil {
			return exitStatus("sample", err)
		}
		if nv = m.Config().NumVisible; sh[0]*sh[1]*sh[2] == nv {
			var s *rbm.Sample
			if s, serr = m.Sample(ctx, rbm.SampleOptions{Chains: *chains, Steps: *steps, Seed: *seed, OnProgress: progress}); serr == nil {
				means = s.Means
			}
		}
	}
	bar.Finish()
	if serr != nil {
		return exitStatus("sample", serr)
	}
	if sh[0]*sh[1]*sh[2] != nv {
		fmt.Fprintf(os.Stderr, "bm sample: flag -image-shape: %v has %d values, the model %d visible units\n", sh, sh[0]*sh[1]*sh[2], nv)
		return 2
	}
	if std != nil {
		if err := dataset.Unstandardize(std, means); err != nil {
			return exitStatus("sample", err)
		}
		log.Printf("the model was trained on standardized data: the samples are shown in the data's units (%s undone)", pipeline.StandardizerPath(*model))
	}
	img, err := picture.Tiles(means.Data, means.Rows, sh[0], sh[1], sh[2], 10, false)
	if err == nil && ext == ".png" {
		err = picture.SavePNG(*out, picture.Scale(img, 2))
	} else if err == nil {
		err = picture.SaveJPEG(*out, picture.Scale(img, 2), 0)
	}
	if err != nil {
		return exitStatus("sample", err)
	}
	log.Printf("wrote %s", *out)
	return 0
}

func cmdVersion() int {
	fmt.Println("bm (boltzmann-go)", version)
	fmt.Println("TensorFlow", tfVersion())
	return 0
}
