package main

import (
	"context"
	"os"
	"os/signal"

	"github.com/boltzmann-go/boltzmann/dbm"
	"github.com/boltzmann-go/boltzmann/pipeline"
)

// logzFlags are the flags of bm logz.
type logzFlags struct {
	model, data, method, base, schedule, binarize string
	reverseStart                                  string
	betas, runs, sweeps, burnIn, blocks           int
	quiet                                         bool
	dev                                           device
}

// logzResult is what bm logz writes into the model folder as logz.json.
type logzResult = pipeline.LogZResult

func cmdLogZ(args []string) int {
	var f logzFlags
	fs := newFlagSet("logz", "bm logz -model DIR [flags]")
	fs.StringVar(&f.model, "model", "runs/rbm_mnist/model", "model folder of an RBM or a DBM")
	fs.StringVar(&f.data, "data", "", "data for the average test bound (DBM) or exact log p (tiny RBM): an MNIST or CIFAR-10 folder (its test set; its training set gives -base base-rate its rates) or an IDX/.npy file")
	fs.StringVar(&f.method, "method", "ais", "ais (annealed importance sampling, tends to under-estimate log Z), reverse (reverse AIS from chains started at -data, tends to over-estimate it), both (the bracket) or exact (enumeration, tiny models)")
	fs.IntVar(&f.burnIn, "burn-in", 1000, "reverse AIS: transitions of the model before annealing down")
	fs.StringVar(&f.reverseStart, "reverse-start", "data", "reverse AIS (DBM): start the chains at data rows' posterior (data) or at the DBM's persistent particles (particles: the training's model samples, RAISE)")
	fs.IntVar(&f.betas, "betas", 20000, "AIS: intermediate distributions")
	fs.IntVar(&f.runs, "runs", 100, "AIS: runs")
	fs.StringVar(&f.base, "base", dbm.BaseBiases, "AIS base: biases (the model's), uniform (the original's) or base-rate (fitted to -data's marginals)")
	fs.StringVar(&f.schedule, "schedule", dbm.ScheduleUniform, "AIS schedule: uniform or segments (denser near β = 1)")
	fs.IntVar(&f.sweeps, "sweeps", 1, "AIS: transitions per intermediate distribution")
	fs.StringVar(&f.binarize, "binarize", "none", "binarize the test data: none or stochastic (the literature's protocol)")
	fs.IntVar(&f.blocks, "blocks", 0, "AIS: split the runs into this many blocks with random streams of their own (0: one per -cluster task, or 1); the estimate depends on the blocks, not on where they run")
	fs.BoolVar(&f.quiet, "quiet", false, "no progress bar")
	f.dev.register(fs, "AIS splits its runs into one block per task")
	return command("logz", fs, args, func() error { return runLogZ(&f) })
}

func (f *logzFlags) check() error {
	if err := f.dev.check(); err != nil {
		return err
	}
	if f.method == "rais" {
		f.method = "reverse" // the literature's name (Burda et al.'s RAISE)
	}
	if f.binarize != "none" && f.binarize != "stochastic" {
		return flagErr("binarize", "%q, want none or stochastic", f.binarize)
	}
	return nil
}

// tasks are the devices of -cluster's tasks (nil without -cluster or before the flags check).
func (f *logzFlags) tasks() []string {
	_, devices, _ := f.dev.plan()
	return devices
}

func runLogZ(f *logzFlags) error {
	if err := f.check(); err != nil {
		return err
	}
	s, err := f.dev.features("")
	if err != nil {
		return err
	}
	devices := f.tasks()
	z := pipeline.LogZ{Method: f.method, Data: f.data, Binarize: f.binarize == "stochastic", Betas: f.betas, Runs: f.runs,
		SweepsPerBeta: f.sweeps, Blocks: f.blocks, Base: f.base, Schedule: f.schedule, BurnIn: f.burnIn, ReverseStart: f.reverseStart,
		Devices: devices, GPU: s.GPU, Target: s.Target, Threads: s.Threads,
		BeforeAIS: beforeAIS("runs", "betas", devices)}
	if err := z.Check(); err != nil { // a usage error, not one of the cluster's
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	_, err = z.Run(ctx, f.model, hooks(f.quiet))
	return f.dev.wrap(err)
}
