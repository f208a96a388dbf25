package export_test

import (
	"fmt"
	"log"
	"math"
	"os"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	tg "github.com/galeone/tfgo"

	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/export"
	"github.com/boltzmann-go/boltzmann/export/serving"
	"github.com/boltzmann-go/boltzmann/rbm"
	"github.com/boltzmann-go/boltzmann/tfops"
)

// A tfgo program adds a trained RBM's inference ops to its own graph: BuildServing takes the
// scope tfgo.NewRoot makes, and the program's session runs the RBM's features beside its own ops.
func Example_tfgoGraph() {
	m, err := rbm.New(rbm.Config{NumVisible: 4, NumHidden: 2, Seed: 1, DType: tf.Double}) // normally trained with Fit
	if err != nil {
		log.Fatal(err)
	}
	defer m.Close()
	root := tg.NewRoot()
	sg, err := m.BuildServing(root.SubScope("rbm"), serving.Options{})
	if err != nil {
		log.Fatal(err)
	}
	sig := sg.Signatures["serving_default"]
	// The program's own op on the RBM's features: their row sums (times a column of ones), with tfgo.
	sums := tg.NewTensor(root, sig.Outputs["features"]).MatMul(tg.Const(root.SubScope("ones"), [][]float64{{1}, {1}})).Output
	g, err := root.Finalize()
	if err != nil {
		log.Fatal(err)
	}
	sess, err := tfops.NewSession(g, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer sess.Close()
	if err := tfops.InitVariables(sess, sg.Variables, sg.Values); err != nil { // the trained weights
		log.Fatal(err)
	}
	x := &dataset.Matrix[float64]{Rows: 2, Cols: 4, Data: []float64{1, 0, 1, 0, 0, 1, 1, 1}}
	in, err := tfops.RowsTensor(x, 0, 2, tf.Double)
	if err != nil {
		log.Fatal(err)
	}
	out, err := sess.Run(map[tf.Output]*tf.Tensor{sig.Inputs["visible"]: in}, []tf.Output{sig.Outputs["features"], sums}, nil)
	if err != nil {
		log.Fatal(err)
	}
	want, err := m.Transform(x)
	if err != nil {
		log.Fatal(err)
	}
	got := out[0].Value().([][]float64)
	fmt.Println("features as the RBM's own Transform:", got[0][0] == want.Data[0] && got[1][1] == want.Data[3])
	fmt.Println("row sums computed in the tfgo graph:", math.Abs(out[1].Value().([][]float64)[0][0]-(got[0][0]+got[0][1])) < 1e-15)
	// Output:
	// features as the RBM's own Transform: true
	// row sums computed in the tfgo graph: true
}

// A tfgo program loads an exported model with tfgo.LoadModel and runs its serving_default
// signature by the tensor names saved_model_cli shows (features_visible/Placeholder →
// features/Identity for an RBM).
func Example_tfgoLoadModel() {
	base, err := os.MkdirTemp("", "savedmodels-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(base)
	m, err := rbm.New(rbm.Config{NumVisible: 4, NumHidden: 2, Seed: 1})
	if err != nil {
		log.Fatal(err)
	}
	defer m.Close()
	dir, err := export.Write(base, "rbm", 1, m, nil)
	if err != nil {
		log.Fatal(err)
	}
	model := tg.LoadModel(dir, []string{"serve"}, nil) // tfgo panics on error: wrap it in tfops.Try in real code
	x := &dataset.Matrix[float32]{Rows: 1, Cols: 4, Data: []float32{1, 0, 1, 0}}
	in, err := tfops.RowsTensor(x, 0, 1, tf.Float)
	if err != nil {
		log.Fatal(err)
	}
	res := model.Exec([]tf.Output{model.Op("features/Identity", 0)}, map[tf.Output]*tf.Tensor{model.Op("features_visible/Placeholder", 0): in})
	want, err := m.Transform(x)
	if err != nil {
		log.Fatal(err)
	}
	got := res[0].Value().([][]float32)
	fmt.Println("tfgo.LoadModel gives the RBM's features:", float64(got[0][0]) == want.Data[0] && float64(got[0][1]) == want.Data[1])
	// Output:
	// tfgo.LoadModel gives the RBM's features: true
}
