package pyargs

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
)

// FuzzParse feeds arbitrary command lines (arguments separated by newlines) to the test
// parser. Parse must not panic, must return nil, ErrHelp or a *Error in argparse's format,
// must write help text exactly when it returns ErrHelp, and must leave every flag that was
// not given at its default.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"",
		"--n-train\n900\n--n-val\n100\n--mlp-val-metric\nval_acc\n--mlp-lrm\n0.01\n1.",
		"--epochs\n64\n120\n500\n--lr\n0.05\n0.01\n2e-3\n--mlp-no-init\n--mlp-lrm\n1.",
		"--vb-init\n--gpu\n\n--dropout\n0.5",
		"--lr=-1e-3\n--n-tr=9\n--",
		"--n\n3",
		"-h",
		"-hx\n--help=",
		"--lr\n-1e-3\n2\n--foo\nbar",
		"--names\n-\n- x\n--dtype\nfloat16",
		"--n-hidden\n0",
		"--w-init\n1_0.5e1_0\n--n-train\n 1_000 ",
		"--\n--lr",
		"-\n-1\n--=x\n---",
	} {
		f.Add(seed)
	}
	defaults := func(t *testing.T) *vars {
		_, v := newTestParser(t, &bytes.Buffer{})
		return v
	}
	f.Fuzz(func(t *testing.T, line string) {
		args := strings.Split(line, "\n")
		var out bytes.Buffer
		p, v := newTestParser(t, &out)
		err := p.Parse(args)
		var e *Error
		switch {
		case err == nil:
			if out.Len() != 0 {
				t.Errorf("Parse(%q) succeeded but wrote %q", args, out.String())
			}
		case errors.Is(err, ErrHelp):
			if !strings.Contains(out.String(), "usage: rbm-mnist") {
				t.Errorf("Parse(%q) = ErrHelp but wrote %q", args, out.String())
			}
			return
		case errors.As(err, &e):
			if !strings.HasPrefix(err.Error(), "rbm-mnist: error: ") || e.Msg == "" {
				t.Errorf("Parse(%q) = %q, not in argparse's format", args, err)
			}
			if out.Len() != 0 {
				t.Errorf("Parse(%q) = %v but wrote %q", args, err, out.String())
			}
			return
		default:
			t.Fatalf("Parse(%q) = %v (%T), want nil, ErrHelp or *Error", args, err, err)
		}
		def := defaults(t)
		for _, c := range []struct {
			name      string
			got, want any
		}{
			{"--gpu", v.GPU, def.GPU}, {"--n-train", v.NTrain, def.NTrain}, {"--n-val", v.NVal, def.NVal},
			{"--n-hidden", v.NHidden, def.NHidden}, {"--w-init", v.WInit, def.WInit},
			{"--vb-init", v.VBInit, def.VBInit}, {"--sample-v-states", v.SampleV, def.SampleV},
			{"--n-gibbs-steps", v.NGibbs, def.NGibbs}, {"--lr", v.LR, def.LR}, {"--l2", v.L2, def.L2},
			{"--dropout", v.Dropout, def.Dropout}, {"--dtype", v.Dtype, def.Dtype},
			{"--mlp-no-init", v.MLPNoInit, def.MLPNoInit}, {"--mlp-l2", v.MLPL2, def.MLPL2},
			{"--mlp-lrm", v.MLPLrm, def.MLPLrm}, {"--mlp-val-metric", v.Metric, def.Metric},
			{"--names", v.Names, def.Names}, {"--epochs", v.Epochs, def.Epochs},
		} {
			if !p.Changed(c.name) && !reflect.DeepEqual(c.got, c.want) {
				t.Errorf("Parse(%q): %s not given but = %v, want default %v", args, c.name, c.got, c.want)
			}
		}
		if v.NHidden <= 0 {
			t.Errorf("Parse(%q) accepted --n-hidden %d despite its Validate hook", args, v.NHidden)
		}
		if v.Dtype != "float32" && v.Dtype != "float64" {
			t.Errorf("Parse(%q) accepted --dtype %q outside its choices", args, v.Dtype)
		}
	})
}
