// Package pyargs parses command lines the way Python's argparse does, for the subset of
// argparse that the original project's example programs (rbm_mnist.py, dbm_mnist.py,
// dbm_cifar.py) use, so that their command lines run unchanged with only the program name
// swapped:
//
//	bm rbm-mnist --n-train 900 --n-val 100 --mlp-val-metric val_acc --mlp-lrm 0.01 1.
//	bm dbm-mnist --epochs 64 120 500 --n-hiddens 512 1024 --lr 0.05 0.01 2e-3 --mlp-no-init
//	bm rbm-mnist --vb-init --gpu '' --dropout 0.5
//	bm dbm-cifar --small-l2 1e-3 --n-gibbs-steps 1 1 1 --mlp-dropout=0.7
//
// Go's flag package cannot: it has no space-separated lists and no bare store_false flags.
//
// # Supported subset
//
// Every flag is optional and has a long name with its dashes, as in Python ("--n-train").
// A Parser binds each flag to a Go variable and stores the default there when the flag is
// registered:
//
//   - Int, Float and String take one value (type=int, type=float, type=str);
//   - Ints, Floats and Strings take one or more values (nargs='+');
//   - StoreTrue and StoreFalse take none (action='store_true' / 'store_false'); a store_false
//     flag defaults to true and the bare flag sets it to false.
//
// A value is given as "--name value" or "--name=value". A list takes the following tokens
// up to the next one that looks like an option: a token that starts with "-", is longer than
// "-", holds no space and is not a number. So "-1", "-.5", "1." and "-1e-3" are values and
// "--lr", "-h" and "-x" end a list. (argparse only recognises "-1" and "-1.5" as negative
// numbers; this package also takes exponents, so every command line argparse accepts is
// accepted here too.) A flag of one value also takes a following token that starts like a
// negative number ("--cluster-timeout -5s"), so that the value's check can say what is wrong
// with it. "--name=v" gives a list exactly one element. "--" ends option
// parsing; as there are no positional arguments, it and everything after it are
// unrecognized. A flag given twice keeps the last value, lists included. A unique prefix of
// a flag name stands for the flag ("--n-tr 900"); an exact name wins over a prefix.
//
// Numbers are read as Python's int() and float() read them: surrounding space is ignored,
// underscores may separate digits, floats may be written "1.", ".5", "1e-3", "inf" or "nan",
// and ints reject "1.5". Parse does not reject NaN or infinities (argparse does not); use
// Validate for that.
//
// # Errors and exit status
//
// Parse returns a *Error for a bad command line, formatted as argparse prints it:
//
//	rbm-mnist: error: argument --lr: invalid float value: 'abc'
//
// "-h" or "--help" writes the help text to Output and returns ErrHelp. ExitStatus maps
// these to argparse's exit statuses (2 and 0), and Parser.Report prints a usage error the
// way argparse does and returns the status. Mistakes in the registrations themselves (a
// duplicate name, a nil pointer) are kept as a sticky error that Parse returns before it
// looks at the command line; they are not usage errors.
//
// # Example
//
//	p := pyargs.New("rbm-mnist", "Train a Bernoulli RBM on MNIST.")
//	var nTrain int
//	var lr []float64
//	var vbInit bool
//	p.Int("--n-train", &nTrain, 55000, "number of training examples").Metavar("N")
//	p.Floats("--lr", &lr, []float64{0.05}, "learning rate or sequence of such (per epoch)").Metavar("LR")
//	p.StoreFalse("--vb-init", &vbInit, "initialize visible biases as logit of mean values of features")
//	if err := p.Parse(os.Args[2:]); err != nil {
//		os.Exit(p.Report(err))
//	}
package pyargs
