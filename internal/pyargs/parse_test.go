package pyargs

import (
	"errors"
	"io"
	"math"
	"reflect"
	"strings"
	"testing"
)

// vars holds the bound variables of the test parser, a subset of rbm_mnist.py and
// dbm_mnist.py chosen so that several names share prefixes (--n-*, --mlp-l*, --l2/--lr).
type vars struct {
	GPU       string
	NTrain    int
	NVal      int
	NHidden   int
	WInit     float64
	VBInit    bool
	SampleV   bool
	NGibbs    []int
	LR        []float64
	L2        float64
	Dropout   float64
	Dtype     string
	MLPNoInit bool
	MLPL2     float64
	MLPLrm    []float64
	Metric    string
	Names     []string
	Epochs    []int
}

// newTestParser registers the test flags; out receives the help text.
func newTestParser(t testing.TB, out io.Writer) (*Parser, *vars) {
	t.Helper()
	v := new(vars)
	p := New("rbm-mnist", "Train a Bernoulli RBM on MNIST.")
	p.Output = out
	p.Epilog = "Differences from rbm_mnist.py: none here."
	p.String("--gpu", &v.GPU, "0", "ID of the GPU to train on (or '' to train on CPU)").Metavar("ID")
	p.Int("--n-train", &v.NTrain, 55000, "number of training examples").Metavar("N")
	p.Int("--n-val", &v.NVal, 5000, "number of validation examples").Metavar("N")
	p.Int("--n-hidden", &v.NHidden, 1024, "number of hidden units").Metavar("N").
		Validate(func() error {
			if v.NHidden <= 0 {
				return errors.New("want > 0")
			}
			return nil
		})
	p.Float("--w-init", &v.WInit, 0.01, "weight init std").Metavar("STD")
	p.StoreFalse("--vb-init", &v.VBInit, "initialize visible biases as logit of mean values")
	p.StoreTrue("--sample-v-states", &v.SampleV, "sample visible states")
	p.Ints("--n-gibbs-steps", &v.NGibbs, []int{1}, "number of Gibbs updates per weights update").Metavar("N")
	p.Floats("--lr", &v.LR, []float64{0.05}, "learning rate or sequence of such (per epoch)").Metavar("LR")
	p.Float("--l2", &v.L2, 1e-5, "L2 weight decay coefficient").Metavar("L2")
	p.Float("--dropout", &v.Dropout, 0, "probability of visible units being on").Metavar("P").NoDefault()
	p.String("--dtype", &v.Dtype, "float32", "datatype precision to use").Metavar("T").
		Choices("float32", "float64")
	p.StoreTrue("--mlp-no-init", &v.MLPNoInit, "if enabled, use random initialization")
	p.Float("--mlp-l2", &v.MLPL2, 1e-5, "L2 weight decay coefficient").Metavar("L2")
	p.Floats("--mlp-lrm", &v.MLPLrm, []float64{0.1, 1}, "learning rate multipliers of 1e-3").Metavar("LRM")
	p.String("--mlp-val-metric", &v.Metric, "val_acc", "metric for early stopping").
		Choices("val_acc", "val_loss")
	p.Strings("--names", &v.Names, []string{"a b", ""}, "some names")
	p.Ints("--epochs", &v.Epochs, []int{56, 112, 500}, "number of epochs to train").Metavar("N")
	if err := p.Err(); err != nil {
		t.Fatal(err)
	}
	return p, v
}

func TestDefaults(t *testing.T) {
	p, v := newTestParser(t, io.Discard)
	if err := p.Parse(nil); err != nil {
		t.Fatalf("Parse(nil) = %v", err)
	}
	want := vars{GPU: "0", NTrain: 55000, NVal: 5000, NHidden: 1024, WInit: 0.01, VBInit: true,
		NGibbs: []int{1}, LR: []float64{0.05}, L2: 1e-5, Dtype: "float32", MLPL2: 1e-5,
		MLPLrm: []float64{0.1, 1}, Metric: "val_acc", Names: []string{"a b", ""},
		Epochs: []int{56, 112, 500}}
	if !reflect.DeepEqual(*v, want) {
		t.Errorf("defaults = %+v\nwant %+v", *v, want)
	}
	for _, name := range []string{"--gpu", "--lr", "--vb-init", "--mlp-no-init"} {
		if p.Changed(name) || p.Set(name) {
			t.Errorf("Changed(%q) = true with an empty command line", name)
		}
	}
}

// TestParse checks the stored values. CPython 3.11's argparse stores the same values for
// every case except "-1." and exponents with a minus sign ("-1e-3"), which it takes for
// options; this package reads them as negative numbers, as documented.
func TestParse(t *testing.T) {
	for _, tc := range []struct {
		name    string
		args    []string
		want    func(v *vars) // changes to the defaults
		changed []string
	}{
		{"brief example rbm", strings.Fields("--n-train 900 --n-val 100 --mlp-val-metric val_loss --mlp-lrm 0.01 1."),
			func(v *vars) { v.NTrain, v.NVal, v.Metric, v.MLPLrm = 900, 100, "val_loss", []float64{0.01, 1} },
			[]string{"--n-train", "n-val", "mlp_val_metric", "--mlp-lrm"}},
		{"brief example dbm", strings.Fields("--epochs 64 120 500 --lr 0.05 0.01 2e-3 --mlp-no-init --mlp-lrm 1."),
			func(v *vars) {
				v.Epochs, v.LR, v.MLPNoInit, v.MLPLrm = []int{64, 120, 500}, []float64{0.05, 0.01, 2e-3}, true, []float64{1}
			},
			[]string{"--epochs", "--lr", "--mlp-no-init", "--mlp-lrm"}},
		{"store_false and empty string", []string{"--vb-init", "--gpu", "", "--dropout", "0.5"},
			func(v *vars) { v.VBInit, v.GPU, v.Dropout = false, "", 0.5 },
			[]string{"--vb-init", "--gpu", "--dropout"}},
		{"equals form", []string{"--dropout=0.7", "--gpu=1", "--n-train=12"},
			func(v *vars) { v.Dropout, v.GPU, v.NTrain = 0.7, "1", 12 }, nil},
		{"equals with empty value", []string{"--gpu="}, func(v *vars) { v.GPU = "" }, nil},
		{"equals value keeps later equals", []string{"--gpu=a=b"}, func(v *vars) { v.GPU = "a=b" }, nil},
		{"list followed by flag", strings.Fields("--lr 1 2 3 --n-train 5"),
			func(v *vars) { v.LR, v.NTrain = []float64{1, 2, 3}, 5 }, nil},
		{"list followed by store_true", strings.Fields("--n-gibbs-steps 1 2 --sample-v-states"),
			func(v *vars) { v.NGibbs, v.SampleV = []int{1, 2}, true }, nil},
		{"list with equals has one element", []string{"--lr=1"}, func(v *vars) { v.LR = []float64{1} }, nil},
		{"list with equals negative", []string{"--lr=-1e-3"}, func(v *vars) { v.LR = []float64{-1e-3} }, nil},
		{"negative and scientific in list", strings.Fields("--lr -1e-3 2 -.5 -1. 1E+2 --l2 -1"),
			func(v *vars) { v.LR, v.L2 = []float64{-1e-3, 2, -0.5, -1, 100}, -1 }, nil},
		{"negative int", strings.Fields("--n-train -1 --epochs -3 4"),
			func(v *vars) { v.NTrain, v.Epochs = -1, []int{-3, 4} }, nil},
		{"python float literals", strings.Fields("--w-init 1. --l2 .5 --mlp-l2 1e-3 --dropout 1_0.5"),
			func(v *vars) { v.WInit, v.L2, v.MLPL2, v.Dropout = 1, 0.5, 1e-3, 10.5 }, nil},
		{"python int literals", []string{"--n-train", " +1_000 ", "--n-val", "007"},
			func(v *vars) { v.NTrain, v.NVal = 1000, 7 }, nil},
		{"repeated flag last wins", strings.Fields("--n-train 1 --n-train 2 --lr 1 2 --lr 3"),
			func(v *vars) { v.NTrain, v.LR = 2, []float64{3} }, nil},
		{"repeated store_false", strings.Fields("--vb-init --vb-init"), func(v *vars) { v.VBInit = false }, nil},
		{"unique abbreviation", strings.Fields("--n-tr 900 --vb --mlp-val val_loss --dr=0.25"),
			func(v *vars) { v.NTrain, v.VBInit, v.Metric, v.Dropout = 900, false, "val_loss", 0.25 },
			[]string{"--n-train", "--vb-init", "--mlp-val-metric", "--dropout"}},
		{"exact name beats longer names", strings.Fields("--l2 3 --lr 4"),
			func(v *vars) { v.L2, v.LR = 3, []float64{4} }, nil},
		{"choices", strings.Fields("--dtype float64 --mlp-val-metric val_loss"),
			func(v *vars) { v.Dtype, v.Metric = "float64", "val_loss" }, nil},
		{"value starting with dash and space", []string{"--gpu", "-a b", "--names", "-", "x y"},
			func(v *vars) { v.GPU, v.Names = "-a b", []string{"-", "x y"} }, nil},
		{"strings list", []string{"--names", "x", "", "z"},
			func(v *vars) { v.Names = []string{"x", "", "z"} }, nil},
		{"inf and nan are floats", strings.Fields("--lr inf Infinity nan --w-init=-inf"),
			func(v *vars) { v.LR, v.WInit = []float64{math.Inf(1), math.Inf(1), math.NaN()}, math.Inf(-1) }, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, v := newTestParser(t, io.Discard)
			if err := p.Parse(tc.args); err != nil {
				t.Fatalf("Parse(%q) = %v", tc.args, err)
			}
			_, want := newTestParser(t, io.Discard)
			tc.want(want)
			if !equalVars(*v, *want) {
				t.Errorf("Parse(%q):\n got %+v\nwant %+v", tc.args, *v, *want)
			}
			for _, name := range tc.changed {
				if !p.Changed(name) {
					t.Errorf("Changed(%q) = false after %q", name, tc.args)
				}
			}
			if p.Changed("--sparsity") || p.Changed("--n-hidden") {
				t.Errorf("Changed reports a flag that was not given")
			}
		})
	}
}

// equalVars is reflect.DeepEqual with NaN equal to NaN.
func equalVars(a, b vars) bool {
	nan := func(v []float64) {
		for i := range v {
			if math.IsNaN(v[i]) {
				v[i] = 12345
			}
		}
	}
	nan(a.LR)
	nan(b.LR)
	return reflect.DeepEqual(a, b)
}

// TestParseErrors checks the error messages. Each one was compared with what CPython 3.11's
// argparse prints for the same parser and command line, and they agree.
func TestParseErrors(t *testing.T) {
	const prefix = "rbm-mnist: error: "
	for _, tc := range []struct {
		args []string
		want string // message after prefix
	}{
		{[]string{"--lr", "abc"}, "argument --lr: invalid float value: 'abc'"},
		{[]string{"--w-init", "abc"}, "argument --w-init: invalid float value: 'abc'"},
		{[]string{"--lr", "1", "x"}, "argument --lr: invalid float value: 'x'"},
		{[]string{"--w-init", "0x1p-2"}, "argument --w-init: invalid float value: '0x1p-2'"},
		{[]string{"--w-init", "1__0"}, "argument --w-init: invalid float value: '1__0'"},
		{[]string{"--w-init", "1e"}, "argument --w-init: invalid float value: '1e'"},
		{[]string{"--w-init", "."}, "argument --w-init: invalid float value: '.'"},
		{[]string{"--w-init", ""}, "argument --w-init: invalid float value: ''"},
		{[]string{"--w-init="}, "argument --w-init: invalid float value: ''"},
		{[]string{"--n-train", "1.5"}, "argument --n-train: invalid int value: '1.5'"},
		{[]string{"--n-train", "1e3"}, "argument --n-train: invalid int value: '1e3'"},
		{[]string{"--n-train", "_1"}, "argument --n-train: invalid int value: '_1'"},
		{[]string{"--n-train", "99999999999999999999"}, "argument --n-train: invalid int value: '99999999999999999999'"},
		{[]string{"--epochs", "1", "2.0"}, "argument --epochs: invalid int value: '2.0'"},
		{[]string{"--n-train", "it's"}, `argument --n-train: invalid int value: "it's"`},
		{[]string{"--n-train", "a\nb"}, `argument --n-train: invalid int value: 'a\nb'`},
		{[]string{"--epochs"}, "argument --epochs: expected at least one argument"},
		{[]string{"--epochs", "--lr", "1"}, "argument --epochs: expected at least one argument"},
		{[]string{"--lr", "-x"}, "argument --lr: expected at least one argument"},
		{[]string{"--lr", "-inf"}, "argument --lr: expected at least one argument"},
		{[]string{"--n-train"}, "argument --n-train: expected one argument"},
		{[]string{"--n-train", "-5x"}, "argument --n-train: invalid int value: '-5x'"},
		{[]string{"--n-train", "-.x", "--n-val", "3"}, "argument --n-train: invalid int value: '-.x'"},
		{[]string{"--gpu", "--n-val", "3"}, "argument --gpu: expected one argument"},
		{[]string{"--mlp-no-init=yes"}, "argument --mlp-no-init: ignored explicit argument 'yes'"},
		{[]string{"--vb-init="}, "argument --vb-init: ignored explicit argument ''"},
		{[]string{"--vb=0"}, "argument --vb-init: ignored explicit argument '0'"},
		{[]string{"--help=1"}, "argument -h/--help: ignored explicit argument '1'"},
		{[]string{"-hx"}, "argument -h/--help: ignored explicit argument 'x'"},
		{[]string{"--foo"}, "unrecognized arguments: --foo"},
		{[]string{"--foo", "bar", "--n-train", "3"}, "unrecognized arguments: --foo bar"},
		{[]string{"--foo=1"}, "unrecognized arguments: --foo=1"},
		{[]string{"-x"}, "unrecognized arguments: -x"},
		{[]string{"positional"}, "unrecognized arguments: positional"},
		{[]string{"--n-train", "900", "1000"}, "unrecognized arguments: 1000"},
		{[]string{"--lr=1", "2"}, "unrecognized arguments: 2"},
		{[]string{"--lr", "1", "--", "2"}, "unrecognized arguments: -- 2"},
		{[]string{"--", "--lr", "1"}, "unrecognized arguments: -- --lr 1"},
		{[]string{"--foo", "--lr", "x"}, "argument --lr: invalid float value: 'x'"},
		{[]string{"--n", "3"}, "ambiguous option: --n could match --n-train, --n-val, --n-hidden, --n-gibbs-steps, --names"},
		{[]string{"--mlp-l=3"}, "ambiguous option: --mlp-l=3 could match --mlp-l2, --mlp-lrm"},
		{[]string{"--mlp", "x"}, "ambiguous option: --mlp could match --mlp-no-init, --mlp-l2, --mlp-lrm, --mlp-val-metric"},
		{[]string{"---lr"}, "unrecognized arguments: ---lr"},
		{[]string{"--lr", "x", "--n", "3"}, "ambiguous option: --n could match --n-train, --n-val, --n-hidden, --n-gibbs-steps, --names"},
		{[]string{"--mlp-val-metric", "x"}, "argument --mlp-val-metric: invalid choice: 'x' (choose from 'val_acc', 'val_loss')"},
		{[]string{"--dtype=float16"}, "argument --dtype: invalid choice: 'float16' (choose from 'float32', 'float64')"},
		{[]string{"--n-hidden", "0"}, "argument --n-hidden: want > 0"},
		{[]string{"--n-hidden", "-5"}, "argument --n-hidden: want > 0"},
	} {
		p, _ := newTestParser(t, io.Discard)
		err := p.Parse(tc.args)
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("Parse(%q) = %v, want a *Error", tc.args, err)
			continue
		}
		if got := err.Error(); got != prefix+tc.want {
			t.Errorf("Parse(%q) = %q\n                  want %q", tc.args, got, prefix+tc.want)
		}
		if s := ExitStatus(err); s != 2 {
			t.Errorf("ExitStatus(Parse(%q)) = %d, want 2", tc.args, s)
		}
	}
}
