package pyargs

import (
	"errors"
	"fmt"
	"io"
	"strings"
)

const (
	usageWidth = 80 // the usage line wraps before this column
	helpColumn = 32 // widest start of the help text; longer invocations get two spaces
)

// Usage writes the help text to Output, in the layout of argparse with
// ArgumentDefaultsHelpFormatter: the usage line, the description, one line per flag with
// its value's metavar, its help text and "(default: …)", then the epilog. Lists are shown
// space-separated and strings shell-quoted, as the user would type them.
func (ps *Parser) Usage() {
	ps.init()
	w := ps.output()
	ps.writeUsageLine(w)
	if d := strings.TrimSpace(ps.Description); d != "" {
		fmt.Fprintf(w, "\n%s\n", d)
	}
	fmt.Fprintf(w, "\noptions:\n")
	inv := make([]string, len(ps.flags))
	col := 0
	for i, f := range ps.flags {
		inv[i] = f.invocation()
		col = max(col, len(inv[i]))
	}
	col = min(col+4, helpColumn)
	for i, f := range ps.flags {
		help := f.help
		if !f.isHelp {
			help = strings.TrimSpace(help + " (default: " + f.defaultText() + ")")
		}
		line := "  " + inv[i]
		if pad := col - len(line); pad >= 2 {
			line += strings.Repeat(" ", pad)
		} else {
			line += "  "
		}
		fmt.Fprintln(w, line+help)
	}
	if e := strings.TrimSpace(ps.Epilog); e != "" {
		fmt.Fprintf(w, "\n%s\n", e)
	}
}

// Report writes err the way argparse does and returns the exit status for it (see
// ExitStatus). For a usage error it writes the usage line and the message to Output; for
// another error it writes "<prog>: error: <err>"; for nil and ErrHelp it writes nothing.
func (ps *Parser) Report(err error) int {
	var e *Error
	switch {
	case err == nil, errors.Is(err, ErrHelp):
	case errors.As(err, &e):
		ps.init()
		ps.writeUsageLine(ps.output())
		fmt.Fprintln(ps.output(), err)
	default:
		fmt.Fprintf(ps.output(), "%s: error: %v\n", ps.prog(), err)
	}
	return ExitStatus(err)
}

// writeUsageLine writes "usage: prog [-h] [--flag X] ...", wrapped before usageWidth
// with continuation lines indented under the first flag.
func (ps *Parser) writeUsageLine(w io.Writer) {
	head := "usage: " + ps.prog() + " "
	indent := len(head)
	if indent > usageWidth/2 {
		indent = len("usage: ")
	}
	var b strings.Builder
	b.WriteString(head)
	n := len(head)
	for i, f := range ps.flags {
		part := "[" + f.invocation() + "]"
		if f.isHelp {
			part = "[-h]"
		}
		if i > 0 {
			if n+1+len(part) > usageWidth {
				b.WriteString("\n" + strings.Repeat(" ", indent))
				n = indent
			} else {
				b.WriteByte(' ')
				n++
			}
		}
		b.WriteString(part)
		n += len(part)
	}
	fmt.Fprintln(w, b.String())
}

// invocation returns how the flag is written: "--n-train N", "--lr LR [LR ...]", "--vb-init".
func (f *Flag) invocation() string {
	switch {
	case f.isHelp:
		return "-h, --help"
	case f.nargs == nargsOne:
		return f.name + " " + f.metavarName()
	case f.nargs == nargsOneOrMore:
		m := f.metavarName()
		return f.name + " " + m + " [" + m + " ...]"
	}
	return f.name
}
