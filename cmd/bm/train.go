package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"math"
	"os"
	"os/signal"
	"strings"

	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/pipeline"
	"github.com/boltzmann-go/boltzmann/rbm"
	"github.com/boltzmann-go/boltzmann/tfops"
)

// trainFlags are the flags of bm train; their defaults reproduce the original's rbm_mnist.py.
type trainFlags struct {
	data dataFlags

	visible, hidden string
	draws, groups   int
	sigma           floats
	nHidden         int
	wInit           float64
	vbInit          string
	hbInit          float64
	k               ints
	lr, momentum    floats
	momentumRule    string
	epochs, batch   int
	l2              float64
	pcd             bool
	sampleV         bool
	hiddenMeans     bool
	dropout         float64
	spTarget        float64
	spCost          float64
	spDamping       float64
	dbmFirst        bool
	dbmLast         bool
	dtype           string
	seed            int64
	set             []string // the flags given on the command line
	method          string
	replicas        int
	centering       float64
	updatesPerRun   int

	metrics    string
	trainEvery int
	valEvery   int
	fegEvery   int
	fegBatches int

	out         string
	fresh       bool
	resident    bool
	quiet       bool
	gpu         string
	threads     int
	cluster     cluster
	chains      int
	sampleSteps int
	sampleStart string
	filters     int
}

func (f *trainFlags) flagSet() *flag.FlagSet {
	fs := newFlagSet("train", "bm train [flags]")
	f.data.register(fs)
	fs.StringVar(&f.visible, "visible", "bernoulli", "visible units: bernoulli, gaussian or multinomial")
	fs.StringVar(&f.hidden, "hidden", "bernoulli", "hidden units: bernoulli or multinomial")
	fs.IntVar(&f.draws, "draws", 100, "multinomial units: draws M per group")
	fs.IntVar(&f.groups, "groups", 1, "multinomial units: number of softmax groups")
	f.sigma = floats{1}
	fs.Var(&f.sigma, "sigma", "gaussian visible units: σ, one value or one per unit")
	fs.IntVar(&f.nHidden, "n-hidden", 1024, "number of hidden units")
	fs.Float64Var(&f.wInit, "w-init", 0.01, "std of the initial weights")
	fs.StringVar(&f.vbInit, "vb-init", "logit", "visible bias init: logit (logit of the training means) or zero")
	fs.Float64Var(&f.hbInit, "hb-init", 0, "initial hidden bias")
	f.k = ints{1}
	fs.Var(&f.k, "k", "Gibbs steps per update (CD-k), one value or a per-epoch list")
	f.lr = floats{0.01}
	fs.Var(&f.lr, "lr", "learning rate: one value, a per-epoch list, or geom:START,END,N")
	f.momentum = floats{0.5, 0.5438, 0.5914, 0.6432, 0.6996, 0.7609, 0.8275, 0.9}
	fs.Var(&f.momentum, "momentum", "momentum schedule (default geom:0.5,0.9,8, as the original)")
	fs.StringVar(&f.momentumRule, "momentum-rule", "classical", "classical (v ← m·v + lr·g) or original (the original project's v ← lr·(m·v + g); use it with its -lr 0.05)")
	fs.IntVar(&f.epochs, "epochs", 120, "number of epochs")
	fs.IntVar(&f.batch, "batch-size", 10, "minibatch size")
	fs.Float64Var(&f.l2, "l2", 1e-5, "L2 weight decay")
	fs.BoolVar(&f.pcd, "pcd", false, "persistent contrastive divergence (PCD) instead of CD (short for -method pcd)")
	fs.Float64Var(&f.centering, "centering", 0, "the centering trick (Montavon & Müller 2012) with this rate of the hidden offset's running average, e.g. 0.01 (0: none)")
	fs.StringVar(&f.method, "method", "", "training method: cd, pcd or pt (parallel tempering); empty: pcd with -pcd, else cd")
	fs.IntVar(&f.replicas, "pt-replicas", 10, "parallel tempering: number of temperatures, evenly spaced inverse temperatures from 1 to 0")
	fs.BoolVar(&f.sampleV, "sample-v-states", false, "sample visible states in the Gibbs chain (else use means)")
	fs.BoolVar(&f.hiddenMeans, "hidden-means", false, "use hidden probabilities in the chain instead of samples")
	fs.Float64Var(&f.dropout, "dropout", 1, "probability of keeping a visible input (1: no dropout)")
	fs.Float64Var(&f.spTarget, "sparsity-target", 0.1, "target mean hidden activation")
	fs.Float64Var(&f.spCost, "sparsity-cost", 1e-5, "weight of the sparsity penalty (0: none)")
	fs.Float64Var(&f.spDamping, "sparsity-damping", 0.9, "decay of the running hidden-activity estimate")
	fs.BoolVar(&f.dbmFirst, "dbm-first", false, "bottom RBM of a DBM stack (doubled input to the hidden units)")
	fs.BoolVar(&f.dbmLast, "dbm-last", false, "top RBM of a DBM stack (doubled input to the visible units)")
	fs.StringVar(&f.dtype, "dtype", "float32", "float32 or float64")
	fs.Int64Var(&f.seed, "seed", 1337, "random seed of everything in the model")
	fs.IntVar(&f.updatesPerRun, "updates-per-run", 10, "minibatch updates per TensorFlow Session.Run")
	fs.StringVar(&f.metrics, "metrics", "msre,pll,feg,hidden", "metrics to compute: msre, pll, feg, l2_loss, hidden (comma-separated, or none)")
	fs.IntVar(&f.trainEvery, "train-every", 1000, "updates between training-metric evaluations")
	fs.IntVar(&f.valEvery, "val-every", 2, "epochs between validation evaluations")
	fs.IntVar(&f.fegEvery, "feg-every", 4, "epochs between free-energy gaps")
	fs.IntVar(&f.fegBatches, "feg-batches", 50, "minibatches averaged by the free-energy gap")
	fs.StringVar(&f.out, "out", "runs/rbm_mnist", "output folder: model/, logs/ (TensorBoard) and PNG pictures")
	fs.BoolVar(&f.fresh, "fresh", false, "start a new model even if -out holds one (otherwise training resumes)")
	fs.BoolVar(&f.resident, "resident", false, "copy the training set into the TensorFlow graph once instead of feeding each run's minibatches (the same weights; more memory)")
	fs.BoolVar(&f.quiet, "quiet", false, "no progress bar (it is also off when stderr is not a terminal)")
	fs.StringVar(&f.gpu, "gpu", "", "GPU ids to use, e.g. 0; empty means CPU")
	fs.IntVar(&f.threads, "threads", 0, "TensorFlow intra-op threads (0: one per core)")
	f.cluster.register(fs, "every update shares the rows of its matrix products among the job's tasks (data-parallel)")
	fs.IntVar(&f.chains, "samples", 100, "Gibbs chains drawn for samples.png (0: none)")
	fs.IntVar(&f.sampleSteps, "sample-steps", 1000, "Gibbs steps per chain for samples.png")
	fs.StringVar(&f.sampleStart, "sample-start", "data", "where the chains of samples.png start: data (validation rows) or noise")
	fs.IntVar(&f.filters, "filters", 100, "filters drawn in filters.png")
	return fs
}

// config maps the flags onto an rbm.Config.
func (f *trainFlags) config(d *pipeline.Data) (rbm.Config, error) {
	var c rbm.Config
	var err error
	if c.Visible, err = rbm.ParseUnit(f.visible, f.draws, f.groups, f.sigma); err != nil {
		return c, flagErr("visible", "%v", err)
	}
	if f.hidden == "gaussian" {
		return c, flagErr("hidden", "gaussian hidden units are not supported")
	}
	if c.Hidden, err = rbm.ParseUnit(f.hidden, f.draws, f.groups, nil); err != nil {
		return c, flagErr("hidden", "%v", err)
	}
	if c.DType, err = tfops.ParseDType(f.dtype); err != nil {
		return c, flagErr("dtype", "%v", err)
	}
	if f.nHidden <= 0 {
		return c, flagErr("n-hidden", "%d, want > 0", f.nHidden)
	}
	if f.wInit <= 0 {
		return c, flagErr("w-init", "%g, want > 0", f.wInit)
	}
	if f.epochs <= 0 {
		return c, flagErr("epochs", "%d, want > 0", f.epochs)
	}
	if f.batch <= 0 {
		return c, flagErr("batch-size", "%d, want > 0", f.batch)
	}
	if f.dropout <= 0 || f.dropout > 1 {
		return c, flagErr("dropout", "%g, want a keep probability in (0, 1]", f.dropout)
	}
	if f.sampleStart != "data" && f.sampleStart != "noise" {
		return c, flagErr("sample-start", "%q, want data or noise", f.sampleStart)
	}
	if f.updatesPerRun <= 0 {
		return c, flagErr("updates-per-run", "%d, want > 0", f.updatesPerRun)
	}
	_, c.NumVisible = d.TrainShape()
	c.NumHidden, c.Seed = f.nHidden, f.seed
	c.WeightStd, c.InitHiddenBias = f.wInit, []float64{f.hbInit}
	switch f.vbInit {
	case "logit":
		if c.Visible.Domain() == rbm.Binary {
			c.InitVisibleBias = logitMean(d)
		}
	case "zero":
	default:
		return c, flagErr("vb-init", "%q, want logit or zero", f.vbInit)
	}
	// Whole schedules: a resumed, extended run uses their later values.
	c.CDSteps, c.LearningRate, c.Momentum = f.k, f.lr, f.momentum
	c.MomentumRule = f.momentumRule
	c.Epochs, c.BatchSize, c.L2 = f.epochs, f.batch, rbm.F(f.l2)
	c.Persistent, c.SampleVisible, c.HiddenMeans, c.Keep = f.pcd, f.sampleV, f.hiddenMeans, f.dropout
	c.Centering = f.centering
	switch f.method {
	case "":
	case "cd":
		c.Method = rbm.CD{}
	case "pcd":
		c.Method, c.Persistent = rbm.PCD{}, true
	case "pt":
		if f.replicas < 2 {
			return c, flagErr("pt-replicas", "%d, want ≥ 2", f.replicas)
		}
		c.Method = rbm.Tempering{Replicas: f.replicas}
	default:
		return c, flagErr("method", "%q, want cd, pcd or pt", f.method)
	}
	if f.method == "cd" && f.pcd {
		return c, flagErr("pcd", "contradicts -method cd")
	}
	c.SparsityTarget, c.SparsityCost, c.SparsityDamping = f.spTarget, f.spCost, f.spDamping
	c.DBMFirst, c.DBMLast, c.UpdatesPerRun = f.dbmFirst, f.dbmLast, f.updatesPerRun
	m := &c.Metrics
	m.TrainEvery, m.ValEvery, m.FEGEvery, m.FEGBatches = f.trainEvery, f.valEvery, f.fegEvery, f.fegBatches
	if f.metrics != "none" && f.metrics != "" {
		for _, name := range strings.Split(f.metrics, ",") {
			switch strings.TrimSpace(name) {
			case "msre":
				m.MSRE = true
			case "pll":
				m.PLL = true
			case "feg":
				m.FEG = true
			case "l2_loss":
				m.L2Loss = true
			case "hidden":
				m.Hidden = true
			default:
				return c, flagErr("metrics", "unknown metric %q (want msre, pll, feg, l2_loss, hidden)", name)
			}
		}
	}
	if m.PLL {
		if c.Visible.Domain() != rbm.Binary {
			m.PLL = false // only defined for binary visible units
		}
	}
	if err := c.Validate(); err != nil {
		var ce *rbm.ConfigError
		if errors.As(err, &ce) {
			return c, flagErr(flagFor(ce.Field), "%v", err)
		}
		return c, err
	}
	return c, nil
}

// flagFor maps an rbm.Config field to the flag of bm train that sets it (fieldFlags).
func flagFor(field string) string {
	field, _, _ = strings.Cut(field, "[")
	if f, ok := fieldFlags[field]; ok {
		return f
	}
	return strings.ToLower(field)
}

func cmdTrain(args []string) int {
	var f trainFlags
	fs := f.flagSet()
	return command("train", fs, args, func() error {
		fs.Visit(func(fl *flag.Flag) { f.set = append(f.set, fl.Name) })
		return f.cluster.wrap(runTrain(&f))
	})
}

// check checks the ranges of the flags that need no data, before any work starts.
func (f *trainFlags) check() error {
	for _, c := range []struct {
		name   string
		v, min int
	}{{"n-hidden", f.nHidden, 1}, {"draws", f.draws, 1}, {"groups", f.groups, 1}, {"epochs", f.epochs, 1}, {"batch-size", f.batch, 1},
		{"updates-per-run", f.updatesPerRun, 1}, {"train-every", f.trainEvery, 1}, {"val-every", f.valEvery, 1}, {"feg-every", f.fegEvery, 1},
		{"feg-batches", f.fegBatches, 1}, {"threads", f.threads, 0}, {"samples", f.chains, 0}, {"sample-steps", f.sampleSteps, 1},
		{"filters", f.filters, 0}, {"pt-replicas", f.replicas, 2}} {
		if c.v < c.min {
			return flagErr(c.name, "%d, want ≥ %d", c.v, c.min)
		}
	}
	for _, c := range []struct {
		name string
		v    float64
	}{{"w-init", f.wInit}, {"l2", f.l2}, {"sparsity-cost", f.spCost}, {"centering", f.centering}} {
		if !(c.v >= 0) || math.IsInf(c.v, 0) {
			return flagErr(c.name, "%g, want a finite value ≥ 0", c.v)
		}
	}
	if math.IsNaN(f.hbInit) || math.IsInf(f.hbInit, 0) {
		return flagErr("hb-init", "%g, want a finite value", f.hbInit)
	}
	if _, err := tfops.ConfigProto(&tfops.Options{GPU: f.gpu}); err != nil {
		return flagErr("gpu", "%v", err)
	}
	if err := f.cluster.check(f.gpu); err != nil {
		return err
	}
	return nil
}

func runTrain(f *trainFlags) error {
	if err := f.check(); err != nil {
		return err
	}
	f.data.pixels = !f.resident // streamed images stay 8-bit pixels
	d, err := f.data.load()
	if err != nil {
		return err
	}
	c, err := f.config(d)
	if err != nil {
		return err
	}
	target, devices, err := f.cluster.plan()
	if err != nil {
		return err
	}
	c.Threads, c.GPU, c.Target, c.Devices = f.threads, f.gpu, target, devices
	s := pipeline.TrainRBM{Config: c, Out: f.out, Fresh: f.fresh, Given: givenFields(dynamicsFields, f.set), StartOver: "use -fresh to start over",
		Resident: f.resident, Samples: cmp.Or(f.chains, -1), SampleSteps: f.sampleSteps, SampleFromNoise: f.sampleStart == "noise", Filters: cmp.Or(f.filters, -1),
		Cluster: cmp.Or(f.cluster.spec, f.cluster.target)}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	err = s.Run(ctx, d, hooks(f.quiet))
	return resumeFlagErr(err, dynamicsFields, f.set, "start over with -fresh", nil)
}

// logitMean returns the logit of each training column's mean (the original's visible-bias
// initialisation), from pixels or floats alike.
func logitMean(d *pipeline.Data) []float64 {
	if d.Pixels != nil {
		return dataset.Logit(d.Pixels.Mean())
	}
	return dataset.LogitMean(d.Train)
}
