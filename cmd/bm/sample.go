package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"

	"github.com/boltzmann-go/boltzmann/picture"
	"github.com/boltzmann-go/boltzmann/rbm"
)

func cmdSample(args []string) int {
	log.SetFlags(0)
	log.SetOutput(os.Stderr)
	log.SetPrefix("bm sample: ")
	fs := newFlagSet("sample", "bm sample -model DIR [flags]")
	model := fs.String("model", "runs/rbm_mnist/model", "model folder written by bm train")
	out := fs.String("out", "samples.png", "PNG file to write")
	chains := fs.Int("chains", 100, "number of Gibbs chains")
	steps := fs.Int("steps", 1000, "Gibbs steps per chain")
	seed := fs.Int64("seed", 1, "random seed")
	shape := fs.String("image-shape", "28,28,1", "height,width,channels of one visible vector")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
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
	m, err := rbm.Load(*model)
	if err != nil {
		log.Print(err)
		return 1
	}
	defer m.Close()
	if sh[0]*sh[1]*sh[2] != m.Config().NumVisible {
		fmt.Fprintf(os.Stderr, "bm sample: flag -image-shape: %v has %d values, the model %d visible units\n", sh, sh[0]*sh[1]*sh[2], m.Config().NumVisible)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	s, err := m.Sample(ctx, rbm.SampleOptions{Chains: *chains, Steps: *steps, Seed: *seed})
	if err != nil {
		log.Print(err)
		return 1
	}
	img, err := picture.Tiles(s.Means.Data, s.Means.Rows, sh[0], sh[1], sh[2], 10, false)
	if err == nil {
		err = picture.SavePNG(*out, picture.Scale(img, 2))
	}
	if err != nil {
		log.Print(err)
		return 1
	}
	log.Printf("wrote %s", *out)
	return 0
}

func cmdVersion() int {
	fmt.Println("bm (boltzmann-go)", version)
	fmt.Println("TensorFlow", tfVersion())
	return 0
}
