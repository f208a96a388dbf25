package pipeline

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCIFARProgramsCheck: the CIFAR programs refuse a data path without CIFAR-10 and per-stage
// lists without a value per model before anything is read, and their zero values take the
// original's defaults.
func TestCIFARProgramsCheck(t *testing.T) {
	dir := t.TempDir()
	for _, p := range []interface{ Check() error }{DBMCIFAR{CIFARStages: CIFARStages{DataPath: dir}}, DBMCIFARNaive{CIFARStages: CIFARStages{DataPath: dir}}} {
		if err := p.Check(); err == nil || !strings.Contains(err.Error(), "holds no CIFAR-10 binary batches") {
			t.Errorf("%T without CIFAR-10: %v", p, err)
		}
	}
	cifar := filepath.Join(dir, "cifar-10-batches-bin")
	if err := os.MkdirAll(cifar, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(cifar, "data_batch_1.bin"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	var fe *FieldError
	err := DBMCIFAR{CIFARStages: CIFARStages{DataPath: dir, LR: []float64{1e-3}}}.Check()
	if !errors.As(err, &fe) || fe.Field != "LR" {
		t.Errorf("one learning rate for three models: %v, want a FieldError on LR", err)
	}
	if err := (DBMCIFAR{CIFARStages: CIFARStages{DataPath: dir}}).Check(); err != nil {
		t.Errorf("the zero value: %v", err)
	}
	p := DBMCIFAR{}.withDefaults()
	if p.Epochs[2] != 100 || p.LR[1] != 5e-5 || p.MeanFieldTol != 1e-11 || p.MaxNorm != 4 || p.Small.Hidden != 300 || p.Small.Seed != 9000 ||
		p.IncreaseKEvery != 16 || p.MLP.OutDropout != 0.7 || p.MLP.Patience != 6 {
		t.Errorf("DBMCIFAR defaults: %+v", p)
	}
	n := DBMCIFARNaive{CIFARStages: CIFARStages{NoMaxNorm: true}}.withDefaults()
	if n.Epochs[2] != 1500 || n.Seeds[0] != 1337 || n.MaxNorm != 0 || n.MLP.OutDropout != 0.64 || n.stack().RBMSeeds[1] != 1337 {
		t.Errorf("DBMCIFARNaive defaults: %+v", n)
	}
}
