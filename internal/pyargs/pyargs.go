package pyargs

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// Parser holds flag registrations and parses a command line against them, mirroring
// argparse.ArgumentParser with ArgumentDefaultsHelpFormatter. A Parser is not safe for
// concurrent use. Its zero value is usable; New fills in the names.
type Parser struct {
	// Prog is the program name used in the usage line and in error messages. If it is
	// empty, the base name of os.Args[0] is used.
	Prog string
	// Description is printed after the usage line by Usage.
	Description string
	// Epilog is printed after the flags by Usage, e.g. to say where the program
	// deliberately differs from the Python original.
	Epilog string
	// Output receives the help text. If it is nil, os.Stderr is used.
	Output io.Writer

	flags  []*Flag // in registration order, help first
	byName map[string]*Flag
	err    error // first registration mistake; returned by Parse
}

// New returns a parser for the program prog with the given description.
func New(prog, description string) *Parser {
	return &Parser{Prog: prog, Description: description}
}

// nargs values: how many command-line values a flag takes.
const (
	nargsNone      = 0  // store_true, store_false, help
	nargsOne       = 1  // a single value
	nargsOneOrMore = -1 // nargs='+'
)

// Flag is one registered flag. The registration methods of Parser return it so that
// Metavar, Choices, Validate and NoDefault can refine it; all of them return the flag
// itself for chaining.
type Flag struct {
	p         *Parser
	name      string // "--n-train"
	help      string
	metavar   string
	nargs     int
	typ       string // "int", "float" or "str"; "" for flags without values
	isHelp    bool
	choices   []string
	checks    []func() error
	noDefault bool
	changed   bool
	def       func() string             // default as the user would type it
	store     func(vals []string) error // converts and stores the values
}

// Name returns the flag's name as registered, e.g. "--n-train".
func (f *Flag) Name() string { return f.name }

// Metavar sets the name shown for the flag's value in the help text, like argparse's
// metavar= (e.g. "N" for "--n-train N"). The default is the name in capitals without the
// leading dashes and with "-" turned into "_" ("N_TRAIN"), or the choices in braces.
func (f *Flag) Metavar(name string) *Flag {
	f.metavar = name
	return f
}

// Choices restricts the values of a String or Strings flag to the given ones, like
// argparse's choices=. Any other value is rejected with "invalid choice". It is a
// registration mistake on a flag of another type.
func (f *Flag) Choices(allowed ...string) *Flag {
	switch {
	case f.typ != "str":
		f.p.fail(f.name, "choices need a String or Strings flag")
	case len(allowed) == 0:
		f.p.fail(f.name, "empty choices")
	default:
		f.choices = slices.Clone(allowed)
	}
	return f
}

// Validate adds a check that runs each time the flag is given, after its value has been
// stored in the bound variable (so check reads that variable). A non-nil result fails
// Parse with a usage error "argument <flag>: <check's message>" that wraps the result.
// Defaults are not checked, as in argparse. Checks run in the order they were added.
func (f *Flag) Validate(check func() error) *Flag {
	if check != nil {
		f.checks = append(f.checks, check)
	}
	return f
}

// NoDefault marks the flag as having no default, like argparse's default=None: the help
// text shows "(default: None)". The bound variable still holds the Go value given at
// registration; use Parser.Changed to tell whether the flag was given.
func (f *Flag) NoDefault() *Flag {
	f.noDefault = true
	return f
}

// Int registers a flag taking one int (type=int), bound to p with default def.
func (ps *Parser) Int(name string, p *int, def int, help string) *Flag {
	f := ps.define(name, help, nargsOne, "int", p == nil)
	if p != nil {
		*p = def
		f.def = func() string { return strconv.Itoa(def) }
		f.store = storeOne(p, "int", parseInt)
	}
	return f
}

// Float registers a flag taking one float (type=float), bound to p with default def.
func (ps *Parser) Float(name string, p *float64, def float64, help string) *Flag {
	f := ps.define(name, help, nargsOne, "float", p == nil)
	if p != nil {
		*p = def
		f.def = func() string { return pyFloat(def) }
		f.store = storeOne(p, "float", parseFloat)
	}
	return f
}

// String registers a flag taking one string (type=str), bound to p with default def. The
// empty string is a valid value, as in the original's --gpu flag.
func (ps *Parser) String(name string, p *string, def string, help string) *Flag {
	f := ps.define(name, help, nargsOne, "str", p == nil)
	if p != nil {
		*p = def
		f.def = func() string { return shellQuote(def) }
		f.store = storeOne(p, "str", parseString)
	}
	return f
}

// StoreTrue registers a flag without value (action='store_true'): p defaults to false and
// the flag sets it to true. "--name=value" is rejected.
func (ps *Parser) StoreTrue(name string, p *bool, help string) *Flag {
	return ps.storeConst(name, p, true, help)
}

// StoreFalse registers a flag without value (action='store_false'): p defaults to true and
// the flag sets it to false. "--name=value" is rejected.
func (ps *Parser) StoreFalse(name string, p *bool, help string) *Flag {
	return ps.storeConst(name, p, false, help)
}

func (ps *Parser) storeConst(name string, p *bool, set bool, help string) *Flag {
	f := ps.define(name, help, nargsNone, "", p == nil)
	if p != nil {
		*p = !set
		f.def = func() string { return pyBool(!set) }
		f.store = func([]string) error { *p = set; return nil }
	}
	return f
}

// Ints registers a flag taking one or more ints (type=int, nargs='+'), bound to p with a
// copy of def as default.
func (ps *Parser) Ints(name string, p *[]int, def []int, help string) *Flag {
	f := ps.define(name, help, nargsOneOrMore, "int", p == nil)
	if p != nil {
		*p = slices.Clone(def)
		f.def = func() string { return joinFormatted(def, strconv.Itoa) }
		f.store = storeMany(p, "int", parseInt)
	}
	return f
}

// Floats registers a flag taking one or more floats (type=float, nargs='+'), bound to p
// with a copy of def as default.
func (ps *Parser) Floats(name string, p *[]float64, def []float64, help string) *Flag {
	f := ps.define(name, help, nargsOneOrMore, "float", p == nil)
	if p != nil {
		*p = slices.Clone(def)
		f.def = func() string { return joinFormatted(def, pyFloat) }
		f.store = storeMany(p, "float", parseFloat)
	}
	return f
}

// Strings registers a flag taking one or more strings (type=str, nargs='+'), bound to p
// with a copy of def as default.
func (ps *Parser) Strings(name string, p *[]string, def []string, help string) *Flag {
	f := ps.define(name, help, nargsOneOrMore, "str", p == nil)
	if p != nil {
		*p = slices.Clone(def)
		f.def = func() string { return joinFormatted(def, shellQuote) }
		f.store = storeMany(p, "str", parseString)
	}
	return f
}

// Changed reports whether the command line gave the flag name, which may be written as
// registered ("--n-train"), without dashes ("n-train") or as argparse's dest ("n_train").
// It is false for names that were never registered.
func (ps *Parser) Changed(name string) bool {
	f := ps.lookupName(name)
	return f != nil && f.changed
}

// Set reports whether the command line gave the flag name; it is the same as Changed.
func (ps *Parser) Set(name string) bool { return ps.Changed(name) }

// Err returns the first registration mistake (a bad or duplicate name, a nil pointer,
// misused Choices), or nil. Parse returns it too.
func (ps *Parser) Err() error { return ps.err }

// Errorf returns a usage error about flag in argparse's format, for checks a program makes
// after Parse (for instance when Replicate rejects a list). ExitStatus maps it to 2. The
// flag may be "" for an error about the command line as a whole. %w in format wraps an
// error as usual.
func (ps *Parser) Errorf(flag, format string, args ...any) error {
	err := fmt.Errorf(format, args...)
	return &Error{Prog: ps.prog(), Flag: flag, Msg: err.Error(), Err: err}
}

// prog returns the program name for messages.
func (ps *Parser) prog() string {
	if ps.Prog != "" {
		return ps.Prog
	}
	if len(os.Args) > 0 {
		return filepath.Base(os.Args[0])
	}
	return "prog"
}

// output returns where help text goes.
func (ps *Parser) output() io.Writer {
	if ps.Output != nil {
		return ps.Output
	}
	return os.Stderr
}

// init adds the help flag on first use, so the zero Parser works.
func (ps *Parser) init() {
	if ps.byName != nil {
		return
	}
	h := &Flag{p: ps, name: "--help", help: "show this help message and exit", isHelp: true}
	ps.flags = []*Flag{h}
	ps.byName = map[string]*Flag{"--help": h, "-h": h}
}

// define registers a flag, or records why it cannot be registered. It always returns a
// usable *Flag; a rejected one is not attached to the parser.
func (ps *Parser) define(name, help string, nargs int, typ string, nilPtr bool) *Flag {
	ps.init()
	f := &Flag{p: ps, name: name, help: help, nargs: nargs, typ: typ,
		def: func() string { return "None" }, store: func([]string) error { return nil }}
	switch {
	case !strings.HasPrefix(name, "--") || len(name) < 3 || name[2] == '-':
		ps.fail(name, "name must start with exactly two dashes, as in \"--n-train\"")
	case strings.ContainsAny(name, "= \t\n"):
		ps.fail(name, "name must not hold '=' or white space")
	case ps.byName[name] != nil:
		ps.fail(name, "conflicting option string: "+name)
	case nilPtr:
		ps.fail(name, "nil pointer")
	default:
		ps.flags = append(ps.flags, f)
		ps.byName[name] = f
	}
	return f
}

// fail records the first registration mistake.
func (ps *Parser) fail(name, msg string) {
	if ps.err == nil {
		ps.err = fmt.Errorf("pyargs: %s: define %q: %s", ps.prog(), name, msg)
	}
}

// lookupName finds a registered flag by its name, its name without dashes or its dest.
func (ps *Parser) lookupName(name string) *Flag {
	if f := ps.byName[name]; f != nil && !f.isHelp {
		return f
	}
	for _, n := range []string{"--" + name, "--" + strings.ReplaceAll(name, "_", "-")} {
		if f := ps.byName[n]; f != nil && !f.isHelp {
			return f
		}
	}
	return nil
}

// displayName is the flag as argparse names it in errors.
func (f *Flag) displayName() string {
	if f.isHelp {
		return "-h/--help"
	}
	return f.name
}

// metavarName returns the name shown for the flag's value.
func (f *Flag) metavarName() string {
	switch {
	case f.metavar != "":
		return f.metavar
	case f.choices != nil:
		return "{" + strings.Join(f.choices, ",") + "}"
	}
	return strings.ToUpper(strings.ReplaceAll(strings.TrimLeft(f.name, "-"), "-", "_"))
}

// defaultText returns the default as shown by the help text.
func (f *Flag) defaultText() string {
	if f.noDefault {
		return "None"
	}
	if s := f.def(); s != "" {
		return s
	}
	return "None" // an empty list
}

func parseString(s string) (string, bool) { return s, true }

func pyBool(b bool) string {
	if b {
		return "True"
	}
	return "False"
}

// storeOne returns a store function for a single-valued flag of type typ.
func storeOne[T any](p *T, typ string, parse func(string) (T, bool)) func([]string) error {
	return func(vals []string) error {
		v, ok := parse(vals[0])
		if !ok {
			return fmt.Errorf("invalid %s value: %s", typ, pyRepr(vals[0]))
		}
		*p = v
		return nil
	}
}

// storeMany returns a store function for a list flag of type typ. Nothing is stored unless
// every value converts.
func storeMany[T any](p *[]T, typ string, parse func(string) (T, bool)) func([]string) error {
	return func(vals []string) error {
		out := make([]T, len(vals))
		for i, s := range vals {
			v, ok := parse(s)
			if !ok {
				return fmt.Errorf("invalid %s value: %s", typ, pyRepr(s))
			}
			out[i] = v
		}
		*p = out
		return nil
	}
}
