package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"

	"github.com/boltzmann-go/boltzmann/pipeline"
)

// maxChains bounds bm sample -chains.
const maxChains = 10000

func cmdSample(args []string) int {
	fs := newFlagSet("sample", "bm sample -model DIR [flags]")
	model := fs.String("model", "runs/rbm_mnist/model", "model folder written by bm train or bm dbm (an RBM or a DBM)")
	out := fs.String("out", "samples.png", "picture to write: a .png file (or .jpg for JPEG)")
	chains := fs.Int("chains", 100, "number of Gibbs chains")
	steps := fs.Int("steps", 1000, "Gibbs steps per chain")
	seed := fs.Int64("seed", 1, "random seed")
	shape := fs.String("image-shape", "28,28,1", "height,width,channels of one visible vector")
	var dev device
	dev.register(fs, "nothing is split")
	return command("sample", fs, args, func() error {
		if err := dev.check(); err != nil {
			return err
		}
		sh, err := parseShape(*shape)
		if err != nil {
			return flagErr("image-shape", "%v", err)
		}
		// The picture holds every chain: more than 10,000 is not a picture anyone looks at, and
		// the bound keeps the chains' memory (chains × units × layers) from exhausting the
		// machine. It is written in the format its name says: PNG, or JPEG for .jpg and .jpeg.
		ext := strings.ToLower(filepath.Ext(*out))
		switch st, err := os.Stat(*out); {
		case *chains <= 0 || *steps <= 0:
			return usageError{"flags -chains and -steps must be positive"}
		case *chains > maxChains:
			return flagErr("chains", "%d, at most %d (one tile per chain)", *chains, maxChains)
		case err == nil && st.IsDir():
			return flagErr("out", "%s is a folder, want a PNG file name", *out)
		case ext != ".png" && ext != ".jpg" && ext != ".jpeg":
			return flagErr("out", "%q, want a .png (or .jpg) file name", *out)
		}
		p, err := dev.placement()
		if err != nil {
			return err
		}
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
		defer stop()
		s := pipeline.Sample{Model: *model, Out: *out, Chains: *chains, Steps: *steps, Seed: *seed, Shape: sh, Placement: p}
		return s.Run(ctx, hooks(false))
	})
}

func cmdVersion() int {
	fmt.Println("bm (boltzmann-go)", version)
	fmt.Println("TensorFlow", tfVersion())
	return 0
}
