package pyargs_test

import (
	"errors"
	"fmt"
	"os"

	"github.com/boltzmann-go/boltzmann/internal/pyargs"
)

// Example parses one of the original dbm_mnist.py command lines.
func Example() {
	var (
		epochs    []int
		nHiddens  []int
		lr        float64
		mlpLrm    []float64
		mlpNoInit bool
		vbInit    bool
		metric    string
	)
	p := pyargs.New("dbm-mnist", "Train a 2-layer Bernoulli DBM on MNIST.")
	p.Output = os.Stdout
	p.Epilog = "Differences from dbm_mnist.py: none."
	p.Ints("--epochs", &epochs, []int{56, 112, 500}, "number of epochs to train").Metavar("N")
	p.Ints("--n-hiddens", &nHiddens, []int{512, 1024}, "numbers of hidden units").Metavar("N")
	p.Float("--lr", &lr, 1e-3, "initial learning rate").Metavar("LR").Validate(func() error {
		if lr <= 0 {
			return errors.New("want > 0")
		}
		return nil
	})
	p.StoreTrue("--mlp-no-init", &mlpNoInit, "if enabled, use random initialization")
	p.StoreFalse("--vb-init", &vbInit, "initialize visible biases as logit of mean values")
	p.Floats("--mlp-lrm", &mlpLrm, []float64{0.01, 1}, "learning rate multipliers of 1e-3").Metavar("LRM")
	p.String("--mlp-val-metric", &metric, "val_acc", "metric for early stopping").
		Metavar("S").Choices("val_acc", "val_loss")

	err := p.Parse([]string{"--epochs", "64", "--n-hid", "256", "512", "--lr=2e-3", "--vb-init", "--mlp-lrm", "1."})
	if err != nil {
		os.Exit(p.Report(err))
	}
	epochs, err = pyargs.Replicate(epochs, 3)
	if err != nil {
		os.Exit(p.Report(p.Errorf("--epochs", "%w", err)))
	}
	mlpLrm, err = pyargs.Replicate(mlpLrm, 2)
	if err != nil {
		os.Exit(p.Report(p.Errorf("--mlp-lrm", "%w", err)))
	}
	fmt.Println(epochs, nHiddens, lr, vbInit, mlpLrm, p.Changed("--epochs"), p.Changed("--mlp-val-metric"))

	fmt.Println(p.Parse([]string{"--lr", "-1e-3"}))
	fmt.Println(p.Parse([]string{"--mlp-no-init=1"}))
	fmt.Println(p.Parse([]string{"--mlp-val-metric", "acc"}))
	fmt.Println(pyargs.ExitStatus(p.Parse([]string{"-h"})))
	// Output:
	// [64 64 64] [256 512] 0.002 false [1 1] true false
	// dbm-mnist: error: argument --lr: want > 0
	// dbm-mnist: error: argument --mlp-no-init: ignored explicit argument '1'
	// dbm-mnist: error: argument --mlp-val-metric: invalid choice: 'acc' (choose from 'val_acc', 'val_loss')
	// usage: dbm-mnist [-h] [--epochs N [N ...]] [--n-hiddens N [N ...]] [--lr LR]
	//                  [--mlp-no-init] [--vb-init] [--mlp-lrm LRM [LRM ...]]
	//                  [--mlp-val-metric S]
	//
	// Train a 2-layer Bernoulli DBM on MNIST.
	//
	// options:
	//   -h, --help               show this help message and exit
	//   --epochs N [N ...]       number of epochs to train (default: 56 112 500)
	//   --n-hiddens N [N ...]    numbers of hidden units (default: 512 1024)
	//   --lr LR                  initial learning rate (default: 0.001)
	//   --mlp-no-init            if enabled, use random initialization (default: False)
	//   --vb-init                initialize visible biases as logit of mean values (default: True)
	//   --mlp-lrm LRM [LRM ...]  learning rate multipliers of 1e-3 (default: 0.01 1.0)
	//   --mlp-val-metric S       metric for early stopping (default: val_acc)
	//
	// Differences from dbm_mnist.py: none.
	// 0
}
