package main

import (
	"errors"
	"flag"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/boltzmann-go/boltzmann/train"
)

// floats is a flag holding a schedule of float64 values: "0.05", "0.05,0.01,0.005", or a
// geometric or linear ramp "geom:0.5,0.9,8" / "lin:0.5,0.9,8" (start, end, count).
type floats []float64

func (f *floats) String() string { return formatFloats(*f) }

func (f *floats) Set(s string) error {
	v, err := parseFloats(s)
	if err != nil {
		return err
	}
	*f = v
	return nil
}

func formatFloats(v []float64) string {
	parts := make([]string, len(v))
	for i, x := range v {
		parts[i] = strconv.FormatFloat(x, 'g', -1, 64)
	}
	return strings.Join(parts, ",")
}

func parseFloats(s string) ([]float64, error) {
	kind := ""
	if i := strings.Index(s, ":"); i >= 0 {
		kind, s = s[:i], s[i+1:]
	}
	var v []float64
	for _, p := range strings.Split(s, ",") {
		x, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, fmt.Errorf("%q is not a number", p)
		}
		v = append(v, x)
	}
	switch kind {
	case "":
		return v, nil
	case "geom", "lin":
		if len(v) != 3 || v[2] < 1 || v[2] != math.Trunc(v[2]) || v[2] > 1e6 {
			return nil, errors.New("want geom:START,END,COUNT or lin:START,END,COUNT")
		}
		if kind == "geom" && (v[0] <= 0 || v[1] <= 0) {
			return nil, errors.New("a geometric ramp needs positive ends")
		}
		if kind == "geom" {
			return train.Geom(v[0], v[1], int(v[2])), nil
		}
		return train.Lin(v[0], v[1], int(v[2])), nil
	}
	return nil, fmt.Errorf("unknown ramp %q (want geom or lin)", kind)
}

// ints is a flag holding a schedule of ints: "1" or "1,1,2,2".
type ints []int

func (f *ints) String() string {
	parts := make([]string, len(*f))
	for i, x := range *f {
		parts[i] = strconv.Itoa(x)
	}
	return strings.Join(parts, ",")
}

func (f *ints) Set(s string) error {
	var v []int
	for _, p := range strings.Split(s, ",") {
		x, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil {
			return fmt.Errorf("%q is not an integer", p)
		}
		v = append(v, x)
	}
	*f = v
	return nil
}

// usageError reports a bad flag value; it makes the command exit with status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func flagErr(name, format string, args ...any) error {
	return usageError{fmt.Sprintf("flag -%s: %s", name, fmt.Sprintf(format, args...))}
}

// newFlagSet returns a FlagSet whose errors are returned, not printed and exited on.
func newFlagSet(name, usageLine string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: %s\n\nflags:\n", usageLine)
		fs.PrintDefaults()
	}
	return fs
}
