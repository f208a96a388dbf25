package main

import (
	"context"
	"os"
	"os/signal"
	"strings"

	"github.com/boltzmann-go/boltzmann/pipeline"
	"github.com/boltzmann-go/boltzmann/tfops"
)

func cmdFewLabel(args []string) int {
	fs := newFlagSet("few-label", "bm few-label -model DIR [flags]")
	model := fs.String("model", "models/rbm_mnist", "pretrained RBM or DBM (model folder, or run folder holding model/)")
	data := fs.String("data", "data/mnist", "MNIST folder")
	out := fs.String("out", "runs/few_label", "folder for predictions, targets, fine-tuned kernels, models and the table")
	rows := fs.String("rows", "60k,10k,1k,100", "rows of the table to run (comma-separated: 60k, 10k, 1k, 100)")
	l2 := fs.Float64("mlp-l2", 1e-5, "L2 weight decay of the hidden kernels")
	stratify := fs.Bool("stratify", true, "draw each row's labelled pairs so that every class keeps its share (within one pair); false: at random, as the original")
	keepLast := fs.Bool("mlp-keep-last", false, "keep the last epoch's weights as the original (Keras 2.0.8); default: restore the best validation epoch's")
	dtype := fs.String("dtype", "float32", "float32 or float64")
	gpu := fs.String("gpu", "", "GPU ids to use, e.g. 0; empty means CPU")
	threads := fs.Int("threads", 0, "TensorFlow intra-op threads (0: one per core)")
	quiet := fs.Bool("quiet", false, "no progress bars")
	var cl cluster
	cl.register(fs, "every fine-tuning's MLP runs on task 0")
	return command("few-label", fs, args, func() error {
		if err := cl.check(*gpu); err != nil {
			return err
		}
		target, _, _ := cl.plan()
		dt, err := tfops.ParseDType(*dtype)
		if err != nil {
			return flagErr("dtype", "%v", err)
		}
		s := pipeline.FewLabel{Model: *model, Data: *data, Out: *out, Rows: strings.Split(*rows, ","), L2: *l2, NoL2: *l2 == 0, NoStratify: !*stratify,
			KeepLast: *keepLast, DType: dt, GPU: *gpu, Target: target, Threads: *threads}
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
		defer stop()
		_, err = s.Run(ctx, hooks(*quiet))
		return cl.wrap(err)
	})
}
