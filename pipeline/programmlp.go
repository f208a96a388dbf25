package pipeline

import (
	"cmp"
	"path/filepath"
	"strings"

	tf "github.com/galeone/tensorflow/tensorflow/go"
)

// mlpDefaults are the fine-tuning defaults of one of the original's programs.
type mlpDefaults struct {
	lrm                []float64
	l2                 float64
	prefix             string
	noPrefix, noExport bool // the program's NoSavePrefixMLP and NoExportMLP
	dtype              tf.DataType
	random             bool // the program's RandomInitMLP
}

// startFineTune returns the fine-tuning stage ft started at the pretrained model in modelDir
// (InitNet; Glorot draws with d.random), its zero fields replaced by the program's defaults d:
// LRM, L2 (negative: 0), Prefix, Export "savedmodels", DType, and Name and Dir after Prefix.
func startFineTune(modelDir string, ft FineTune, d mlpDefaults) (*FineTune, error) {
	net, err := LoadInitNet(modelDir)
	if err != nil {
		return nil, err
	}
	init := net.FineTune(d.random)
	ft.Hidden, ft.OutSeed, ft.Weights = init.Hidden, init.OutSeed, init.Weights
	ft.LRM, ft.L2 = orSlice(ft.LRM, d.lrm), neg(ft.L2, d.l2)
	ft.Prefix, ft.Export = cmp.Or(ft.Prefix, d.prefix), cmp.Or(ft.Export, "savedmodels")
	if d.noPrefix {
		ft.Prefix = ""
	}
	if d.noExport {
		ft.Export = ""
	}
	ft.DType = cmp.Or(ft.DType, d.dtype)
	ft.Name = cmp.Or(ft.Name, strings.TrimSuffix(filepath.Base(ft.Prefix+"x"), "x")+"mlp")
	if ft.Prefix != "" {
		ft.Dir = cmp.Or(ft.Dir, ft.Prefix+"mlp")
	}
	return &ft, nil
}
