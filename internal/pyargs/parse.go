package pyargs

import (
	"fmt"
	"slices"
	"strings"
)

// token classes, as argparse's _parse_optional assigns them.
const (
	classValue   = iota // a value ("A" in argparse's pattern)
	classFlag           // a registered flag, possibly abbreviated, possibly with "=value"
	classUnknown        // looks like an option but is not one
	classEnd            // "--": everything from here on is positional
)

// token is one classified command-line argument.
type token struct {
	class    int
	flag     *Flag
	explicit string // the text after '=' in "--name=value"
	hasValue bool   // whether '=' was present
}

// Parse parses args (the command line without the program and subcommand names) and
// stores the values in the bound variables. It returns nil on success, ErrHelp after
// writing the help text to Output for "-h"/"--help", a *Error for a bad command line, or
// the first registration mistake. Like argparse it stops at the first bad flag, so on an
// error the variables of earlier flags may already be set; unrecognized arguments are
// reported only after everything else has parsed. Parse may be called again: variables and
// Changed keep what earlier calls set.
func (ps *Parser) Parse(args []string) error {
	ps.init()
	if ps.err != nil {
		return ps.err
	}
	// argparse classifies every argument before consuming any, so an ambiguous
	// abbreviation is reported before the errors of the flags in front of it.
	toks := make([]token, len(args))
	for i, a := range args {
		if a == "--" {
			for j := i; j < len(args); j++ {
				toks[j] = token{class: classEnd}
			}
			break
		}
		t, err := ps.classify(a)
		if err != nil {
			return err
		}
		toks[i] = t
	}

	var extras []string
	for i := 0; i < len(args); {
		t := toks[i]
		switch t.class {
		case classEnd:
			extras = append(extras, args[i:]...)
			i = len(args)
			continue
		case classValue, classUnknown:
			extras = append(extras, args[i])
			i++
			continue
		}
		f := t.flag
		i++
		var vals []string
		switch {
		case t.hasValue && f.nargs == nargsNone:
			return ps.errorf(f, "ignored explicit argument %s", pyRepr(t.explicit))
		case t.hasValue:
			vals = []string{t.explicit}
		case f.nargs == nargsOne:
			// A single value that starts like a negative number ("-5s" for a duration) is
			// that value, not an unknown option: its flag's parser or check then names what
			// is wrong with it, rather than "expected one argument".
			if i >= len(args) || toks[i].class != classValue && !(toks[i].class == classUnknown && startsNegative(args[i])) {
				return ps.errorf(f, "expected one argument")
			}
			vals = args[i : i+1]
			i++
		case f.nargs == nargsOneOrMore:
			j := i
			for j < len(args) && toks[j].class == classValue {
				j++
			}
			if j == i {
				return ps.errorf(f, "expected at least one argument")
			}
			vals = args[i:j]
			i = j
		}
		if f.isHelp {
			ps.Usage()
			return ErrHelp
		}
		if err := ps.apply(f, vals); err != nil {
			return err
		}
	}
	if len(extras) > 0 {
		return &Error{Prog: ps.prog(), Msg: "unrecognized arguments: " + strings.Join(extras, " ")}
	}
	return nil
}

// apply checks the choices, stores the values and runs the Validate hooks of f.
func (ps *Parser) apply(f *Flag, vals []string) error {
	if f.choices != nil {
		for _, v := range vals {
			if !slices.Contains(f.choices, v) {
				quoted := make([]string, len(f.choices))
				for i, c := range f.choices {
					quoted[i] = pyRepr(c)
				}
				return ps.errorf(f, "invalid choice: %s (choose from %s)",
					pyRepr(v), strings.Join(quoted, ", "))
			}
		}
	}
	if err := f.store(vals); err != nil {
		return &Error{Prog: ps.prog(), Flag: f.displayName(), Msg: err.Error()}
	}
	f.changed = true
	for _, check := range f.checks {
		if err := check(); err != nil {
			return &Error{Prog: ps.prog(), Flag: f.displayName(), Msg: err.Error(), Err: err}
		}
	}
	return nil
}

// classify assigns a to a token class the way argparse's _parse_optional does: an exact
// flag name, then "name=value" with an exact name, then a unique prefix; otherwise a
// negative number, an argument holding a space, or one not starting with '-' is a value,
// and the rest are unknown options.
func (ps *Parser) classify(a string) (token, error) {
	if a == "" || a[0] != '-' {
		return token{class: classValue}, nil
	}
	if f := ps.byName[a]; f != nil {
		return token{class: classFlag, flag: f}, nil
	}
	if len(a) == 1 {
		return token{class: classValue}, nil
	}
	name, explicit, hasValue := strings.Cut(a, "=")
	if f := ps.byName[name]; f != nil {
		return token{class: classFlag, flag: f, explicit: explicit, hasValue: hasValue}, nil
	}
	if strings.HasPrefix(a, "--") {
		var matches []*Flag
		for _, f := range ps.flags {
			if strings.HasPrefix(f.name, name) {
				matches = append(matches, f)
			}
		}
		switch len(matches) {
		case 0:
		case 1:
			return token{class: classFlag, flag: matches[0], explicit: explicit, hasValue: hasValue}, nil
		default:
			names := make([]string, len(matches))
			for i, f := range matches {
				names[i] = f.name
			}
			return token{}, &Error{Prog: ps.prog(),
				Msg: fmt.Sprintf("ambiguous option: %s could match %s", a, strings.Join(names, ", "))}
		}
	} else if strings.HasPrefix(a, "-h") {
		// "-hX": argparse reads X as an argument of -h, which takes none.
		return token{class: classFlag, flag: ps.byName["-h"], explicit: a[2:], hasValue: true}, nil
	}
	if looksNegative(a) || strings.Contains(a, " ") {
		return token{class: classValue}, nil
	}
	return token{class: classUnknown}, nil
}

// errorf returns a usage error about flag f.
func (ps *Parser) errorf(f *Flag, format string, args ...any) error {
	return &Error{Prog: ps.prog(), Flag: f.displayName(), Msg: fmt.Sprintf(format, args...)}
}
