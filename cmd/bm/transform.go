package main

import "github.com/boltzmann-go/boltzmann/pipeline"

func cmdTransform(args []string) int {
	fs := newFlagSet("transform", "bm transform -model DIR -data PATH -out FILE [flags]")
	model := fs.String("model", "runs/rbm_mnist/model", "model folder (or run folder holding model/) written by bm train, bm dbm or bm rbm-mnist/dbm-mnist")
	data := fs.String("data", "data/mnist", "data: an MNIST or CIFAR-10 folder, an IDX images file, a .npy matrix, a .npz archive (archive.npz:key for one of several arrays) or a numeric .csv, as bm train reads them")
	test := fs.Bool("test", false, "transform the test set of an MNIST or CIFAR-10 folder (default: its training set)")
	layer := fs.String("layer", "top", "DBM: hidden layer whose mean-field posterior to write (1, 2, …), top, or all (concatenated); a multinomial layer's as expected counts, draws × probabilities, as the original's DBM transform (an exported DBM's features signature gives the top layer's probabilities)")
	out := fs.String("out", "features.npy", "output file: .npy (float32) or .csv")
	labelsOut := fs.String("labels-out", "", "also write the labels of an MNIST or CIFAR-10 folder to this .npy file")
	quiet := fs.Bool("quiet", false, "no progress bar")
	var dev device
	dev.register(fs, "nothing is split")
	raw := fs.Bool("raw-input", true, "when the model was trained on standardized data ("+standardizerFile+" beside its model folder), standardize the data the same way first (false: the data are standardized already)")
	return command("transform", fs, args, func() error {
		if err := dev.check(); err != nil {
			return err
		}
		p, err := dev.placement()
		if err != nil {
			return err
		}
		s := pipeline.Transform{Model: *model, Data: *data, Test: *test, Layer: *layer, Out: *out, LabelsOut: *labelsOut, Standardized: !*raw, Placement: p}
		return s.Run(hooks(*quiet))
	})
}
