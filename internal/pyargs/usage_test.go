package pyargs

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestHelp(t *testing.T) {
	for _, args := range [][]string{
		{"-h"},
		{"--help"},
		{"--he"},
		{"--n-train", "3", "-h", "--lr", "x"}, // help ends parsing, as in argparse
		{"--foo", "-h"},                       // unrecognized arguments are reported last
	} {
		var out bytes.Buffer
		p, _ := newTestParser(t, &out)
		err := p.Parse(args)
		if !errors.Is(err, ErrHelp) {
			t.Fatalf("Parse(%q) = %v, want ErrHelp", args, err)
		}
		if s := ExitStatus(err); s != 0 {
			t.Errorf("ExitStatus(ErrHelp) = %d, want 0", s)
		}
		// Every flag, on one line with its metavar and default as the user would type it.
		help := out.String()
		for _, want := range []string{
			"usage: rbm-mnist [-h] [--gpu ID] [--n-train N]",
			"\nTrain a Bernoulli RBM on MNIST.\n",
			"  -h, --help ",
			"  --gpu ID  ", "(or '' to train on CPU) (default: 0)\n",
			"  --n-train N  ", "number of training examples (default: 55000)\n",
			"  --n-val N  ", "(default: 5000)\n",
			"  --n-hidden N  ", "(default: 1024)\n",
			"  --w-init STD  ", "(default: 0.01)\n",
			"  --vb-init  ", "mean values (default: True)\n",
			"  --sample-v-states  ", "sample visible states (default: False)\n",
			"  --n-gibbs-steps N [N ...]  ", "weights update (default: 1)\n",
			"  --lr LR [LR ...]  ", "(per epoch) (default: 0.05)\n",
			"  --l2 L2  ", "(default: 1e-05)\n",
			"  --dropout P  ", "(default: None)\n",
			"  --dtype T  ", "(default: float32)\n",
			"  --mlp-no-init  ", "(default: False)\n",
			"  --mlp-l2 L2  ",
			"  --mlp-lrm LRM [LRM ...]  ", "(default: 0.1 1.0)\n",
			"  --mlp-val-metric {val_acc,val_loss}  ", "(default: val_acc)\n",
			"  --names NAMES [NAMES ...]  ", "(default: 'a b' '')\n",
			"  --epochs N [N ...]  ", "(default: 56 112 500)\n",
			"\nDifferences from rbm_mnist.py: none here.\n",
		} {
			if !strings.Contains(help, want) {
				t.Errorf("help for %q lacks %q:\n%s", args, want, help)
			}
		}
		if n := strings.Count(help, "(default: "); n != 18 {
			t.Errorf("help has %d defaults, want one for each of the 18 flags", n)
		}
		for i, line := range strings.Split(help, "\n") {
			if strings.HasPrefix(line, "usage:") || strings.HasPrefix(line, "      ") {
				if len(line) > usageWidth {
					t.Errorf("usage line %d is %d long, want <= %d: %q", i, len(line), usageWidth, line)
				}
			}
		}
	}
}

func TestHelpAfterBadFlag(t *testing.T) {
	var out bytes.Buffer
	p, _ := newTestParser(t, &out)
	err := p.Parse([]string{"--lr", "x", "-h"})
	if ExitStatus(err) != 2 {
		t.Errorf("Parse(--lr x -h) = %v, want the usage error first, as argparse", err)
	}
	if out.Len() != 0 {
		t.Errorf("Parse wrote %q on a usage error, want nothing", out.String())
	}
}

func TestReport(t *testing.T) {
	var out bytes.Buffer
	p, _ := newTestParser(t, &out)
	if s := p.Report(p.Parse([]string{"--epochs"})); s != 2 {
		t.Errorf("Report(usage error) = %d, want 2", s)
	}
	got := out.String()
	if !strings.HasPrefix(got, "usage: rbm-mnist [-h] ") ||
		!strings.HasSuffix(got, "\nrbm-mnist: error: argument --epochs: expected at least one argument\n") {
		t.Errorf("Report wrote %q, want the usage line then the argparse message", got)
	}
	if strings.Contains(got, "options:") {
		t.Errorf("Report wrote the full help, want only the usage line:\n%s", got)
	}

	out.Reset()
	if s := p.Report(nil); s != 0 || out.Len() != 0 {
		t.Errorf("Report(nil) = %d and wrote %q, want 0 and nothing", s, out.String())
	}
	if s := p.Report(ErrHelp); s != 0 || out.Len() != 0 {
		t.Errorf("Report(ErrHelp) = %d and wrote %q, want 0 and nothing", s, out.String())
	}
	if s := p.Report(errors.New("boom")); s != 1 || out.String() != "rbm-mnist: error: boom\n" {
		t.Errorf("Report(boom) = %d and wrote %q, want 1 and the message", s, out.String())
	}
}

func TestErrorf(t *testing.T) {
	p := New("dbm-mnist", "")
	_, rerr := Replicate([]int{1, 2}, 3)
	err := p.Errorf("--epochs", "%w", rerr)
	if want := "dbm-mnist: error: argument --epochs: got 2 values, want 1 or 3"; err.Error() != want {
		t.Errorf("Errorf = %q, want %q", err, want)
	}
	if !errors.Is(err, rerr) {
		t.Errorf("Errorf(%%w) does not wrap its error")
	}
	if ExitStatus(err) != 2 {
		t.Errorf("ExitStatus(Errorf) = %d, want 2", ExitStatus(err))
	}
	if got, want := p.Errorf("", "--n-train must be divisible by %d", 48).Error(),
		"dbm-mnist: error: --n-train must be divisible by 48"; got != want {
		t.Errorf("Errorf without flag = %q, want %q", got, want)
	}
}

func TestExitStatus(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want int
	}{
		{nil, 0},
		{ErrHelp, 0},
		{&Error{Prog: "p", Msg: "m"}, 2},
		{errors.Join(errors.New("x"), &Error{Prog: "p", Msg: "m"}), 2},
		{errors.New("other"), 1},
	} {
		if got := ExitStatus(tc.err); got != tc.want {
			t.Errorf("ExitStatus(%v) = %d, want %d", tc.err, got, tc.want)
		}
	}
}

func TestValidateWrapsError(t *testing.T) {
	errSmall := errors.New("want >= 2")
	var n int
	p := New("prog", "")
	p.Int("--n", &n, 5, "").Validate(func() error {
		if n < 2 {
			return errSmall
		}
		return nil
	}).Validate(nil)
	err := p.Parse([]string{"--n", "1"})
	if !errors.Is(err, errSmall) || err.Error() != "prog: error: argument --n: want >= 2" {
		t.Errorf("Parse(--n 1) = %v, want the wrapped hook error", err)
	}
	if err := p.Parse([]string{"--n", "2"}); err != nil || n != 2 {
		t.Errorf("Parse(--n 2) = %v, n = %d; want nil, 2", err, n)
	}
}

func TestDefinitionMistakes(t *testing.T) {
	var i int
	var s string
	for _, tc := range []struct {
		name   string
		define func(p *Parser)
	}{
		{"one dash", func(p *Parser) { p.Int("-n", &i, 0, "") }},
		{"no dash", func(p *Parser) { p.Int("n", &i, 0, "") }},
		{"dashes only", func(p *Parser) { p.Int("--", &i, 0, "") }},
		{"three dashes", func(p *Parser) { p.Int("---n", &i, 0, "") }},
		{"equals sign", func(p *Parser) { p.Int("--a=b", &i, 0, "") }},
		{"space", func(p *Parser) { p.Int("--a b", &i, 0, "") }},
		{"duplicate", func(p *Parser) { p.Int("--n", &i, 0, ""); p.String("--n", &s, "", "") }},
		{"help", func(p *Parser) { p.StoreTrue("--help", new(bool), "") }},
		{"nil int", func(p *Parser) { p.Int("--n", nil, 0, "") }},
		{"nil floats", func(p *Parser) { p.Floats("--n", nil, nil, "") }},
		{"nil bool", func(p *Parser) { p.StoreFalse("--n", nil, "") }},
		{"choices on int", func(p *Parser) { p.Int("--n", &i, 0, "").Choices("1") }},
		{"empty choices", func(p *Parser) { p.String("--n", &s, "", "").Choices() }},
	} {
		p := New("prog", "")
		tc.define(p)
		if p.Err() == nil {
			t.Errorf("%s: Err() = nil, want a registration error", tc.name)
			continue
		}
		err := p.Parse(nil)
		if err != p.Err() || ExitStatus(err) != 1 {
			t.Errorf("%s: Parse = %v (status %d), want the registration error %v with status 1",
				tc.name, err, ExitStatus(err), p.Err())
		}
	}
}

func TestZeroParser(t *testing.T) {
	var p Parser
	var out bytes.Buffer
	p.Output = &out
	var on bool
	p.StoreTrue("--on", &on, "turn on")
	if err := p.Parse([]string{"--on"}); err != nil || !on {
		t.Errorf("zero Parser: Parse(--on) = %v, on = %v; want nil, true", err, on)
	}
	if err := p.Parse([]string{"-h"}); !errors.Is(err, ErrHelp) || !strings.Contains(out.String(), "--on ") {
		t.Errorf("zero Parser: Parse(-h) = %v with help %q", err, out.String())
	}
}
