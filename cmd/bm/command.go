package main

import (
	"errors"
	"flag"
	"fmt"
	"log"
	"os"

	"github.com/boltzmann-go/boltzmann/internal/modeldir"
)

// command runs bm <name>: it sets up logging, parses args with fs, runs body and maps the
// outcome to the exit status (see exitStatus). -h exits 0; a bad flag or a stray argument 2.
func command(name string, fs *flag.FlagSet, args []string, body func() error) int {
	setLog(name)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "bm %s: unexpected argument %q\n", name, fs.Arg(0))
		return 2
	}
	return exitStatus(name, body())
}

// setLog makes the log print to stderr with the prefix "bm <name>: ".
func setLog(name string) {
	log.SetFlags(0)
	log.SetOutput(os.Stderr)
	log.SetPrefix("bm " + name + ": ")
}

// exitStatus prints err and returns the exit status: 0 without an error, 2 for a usage error
// (which names the flag) or a model folder whose contents are inconsistent (which names the file
// and field), 1 for any other failure.
func exitStatus(name string, err error) int {
	if err == nil {
		return 0
	}
	err = flagged(name, err)
	var ue usageError
	if errors.As(err, &ue) || errors.Is(err, modeldir.ErrInconsistent) {
		fmt.Fprintf(os.Stderr, "bm %s: %v\n", name, err)
		return 2
	}
	log.Print(err)
	return 1
}
