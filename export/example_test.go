package export_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"

	tf "github.com/galeone/tensorflow/tensorflow/go"

	"github.com/boltzmann-go/boltzmann/export"
	"github.com/boltzmann-go/boltzmann/rbm"
)

// Export an RBM twice as consecutive versions and list what was written.
func ExampleWrite() {
	base, err := os.MkdirTemp("", "savedmodels-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(base)
	m, err := rbm.New(rbm.Config{NumVisible: 6, NumHidden: 3, Seed: 1}) // normally trained with Fit first
	if err != nil {
		log.Fatal(err)
	}
	defer m.Close()
	for range 2 {
		v, err := export.NextVersion(base, "rbm_demo")
		if err != nil {
			log.Fatal(err)
		}
		dir, err := export.Write(base, "rbm_demo", v, m, nil)
		if err != nil {
			log.Fatal(err)
		}
		rel, _ := filepath.Rel(base, dir)
		fmt.Println("exported", rel)
	}
	filepath.WalkDir(filepath.Join(base, "rbm_demo", "2"), func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(base, path)
			fmt.Println(rel)
		}
		return err
	})
	sm, err := tf.LoadSavedModel(filepath.Join(base, "rbm_demo", "2"), []string{"serve"}, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer sm.Session.Close()
	in := sm.Signatures["serving_default"].Inputs["visible"]
	out := sm.Signatures["serving_default"].Outputs["features"]
	fmt.Println("serving_default:", in.Shape, "->", out.Shape)
	// Output:
	// exported rbm_demo/1
	// exported rbm_demo/2
	// rbm_demo/2/saved_model.pb
	// rbm_demo/2/variables/variables.data-00000-of-00001
	// rbm_demo/2/variables/variables.index
	// serving_default: [?, 6] -> [?, 3]
}
