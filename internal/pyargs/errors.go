package pyargs

import (
	"errors"
	"fmt"
)

// ErrHelp is returned by Parse when the command line asks for help with "-h" or "--help".
// The help text has already been written to the parser's Output; the program should exit
// with status 0, as argparse does.
var ErrHelp = errors.New("pyargs: help requested")

// Error is a bad command line. Its message has argparse's format,
//
//	<prog>: error: argument <flag>: <msg>
//
// or "<prog>: error: <msg>" when no single flag is at fault (unrecognized arguments,
// ambiguous abbreviations). A program should exit with status 2 on an Error.
type Error struct {
	Prog string // program name
	Flag string // flag at fault, as argparse names it ("--lr", "-h/--help"), or ""
	Msg  string // the problem, e.g. "invalid float value: 'abc'"
	Err  error  // the error returned by a Validate hook, if that is the cause
}

// Error returns the message in argparse's format.
func (e *Error) Error() string {
	if e.Flag == "" {
		return fmt.Sprintf("%s: error: %s", e.Prog, e.Msg)
	}
	return fmt.Sprintf("%s: error: argument %s: %s", e.Prog, e.Flag, e.Msg)
}

// Unwrap returns the error of the Validate hook that rejected the value, or nil.
func (e *Error) Unwrap() error { return e.Err }

// ExitStatus returns the exit status argparse uses for err: 0 for nil and ErrHelp, 2 for a
// usage error (an *Error anywhere in err's chain) and 1 for anything else, such as a
// registration mistake.
func ExitStatus(err error) int {
	var e *Error
	switch {
	case err == nil, errors.Is(err, ErrHelp):
		return 0
	case errors.As(err, &e):
		return 2
	}
	return 1
}
