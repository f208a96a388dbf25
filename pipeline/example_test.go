package pipeline_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/boltzmann-go/boltzmann/internal/fixtures"
	"github.com/boltzmann-go/boltzmann/pipeline"
)

// writeMNIST writes an MNIST-format folder of n training and nTest test 8×8 images of 10
// classes, each a noisy copy of its class's random prototype.
func writeMNIST(dir string, n, nTest int) error {
	_, err := fixtures.MNIST{Side: 8, Train: n, Test: nTest, Seed: 7, White: 1}.Write(dir)
	return err
}

// The original's rbm_mnist.py on a small MNIST-format folder: an RBM of 16 hidden units
// trained for 2 epochs, then an MLP fine-tuned from it for 3 epochs and exported as a
// SavedModel. The zero Hooks keep the run silent.
func ExampleRBMMNIST() {
	dir, err := os.MkdirTemp("", "pipeline-example-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	if err := writeMNIST(filepath.Join(dir, "mnist"), 300, 80); err != nil {
		log.Fatal(err)
	}
	p := pipeline.RBMMNIST{DataPath: dir, NTrain: 250, NVal: 50, NHidden: 16, Epochs: 2, ModelDir: filepath.Join(dir, "rbm"),
		MLP: pipeline.FineTune{Epochs: 3, Prefix: filepath.Join(dir, "rbm_"), Export: filepath.Join(dir, "savedmodels")}}
	res, err := p.Run(context.Background(), pipeline.Hooks{})
	if err != nil {
		log.Fatal(err)
	}
	head, err := pipeline.ReadHead(res.ModelDir)
	if err != nil {
		log.Fatal(err)
	}
	_, err = os.Stat(filepath.Join(dir, "savedmodels", "rbm_mlp", "1", "saved_model.pb"))
	fmt.Printf("%s trained for %d epochs; MLP fine-tuned for %d epochs; SavedModel written: %v\n",
		head.Kind, head.Epoch, res.FineTune.Epochs, err == nil)
	// Output: rbm trained for 2 epochs; MLP fine-tuned for 3 epochs; SavedModel written: true
}

// Hooks receive a stage's log lines and progress; here the log lines are counted.
func ExampleHooks() {
	dir, err := os.MkdirTemp("", "pipeline-example-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	if err := writeMNIST(filepath.Join(dir, "mnist"), 100, 20); err != nil {
		log.Fatal(err)
	}
	var lines []string
	h := pipeline.Hooks{Log: func(line string) { lines = append(lines, line) }}
	d, err := pipeline.LoadLabeled(filepath.Join(dir, "mnist"), 80, 20, pipeline.DefaultSplitSeed)
	if err != nil {
		log.Fatal(err)
	}
	ft := pipeline.FineTune{Epochs: 2, LRM: []float64{1}} // no hidden layers: a softmax regression
	res, err := ft.Run(context.Background(), d, h)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Epochs, "epochs;", len(lines), "log lines; the first:", lines[0])
	// Output: 2 epochs; 2 log lines; the first: MLP: MLP 64-10 on 80 rows (validation 20, test 20), at most 2 epochs of 128, monitor val_acc
}
