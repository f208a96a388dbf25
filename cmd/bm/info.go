package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/boltzmann-go/boltzmann/pipeline"
)

// commandsFile, in a run folder, lists the bm command lines that trained or resumed its model.
const commandsFile = "commands.txt"

func cmdInfo(args []string) int {
	fs := newFlagSet("info", "bm info -model DIR")
	model := fs.String("model", "runs/rbm_mnist/model", "model folder (or run folder holding model/) written by any bm command")
	return command("info", fs, args, func() error { return info(*model) })
}

// info prints what a model folder holds (pipeline.Describe) and the commands that made it.
func info(dir string) error {
	text, err := pipeline.Describe(dir)
	if err != nil {
		return err
	}
	fmt.Print(text)
	run := filepath.Dir(filepath.Clean(pipeline.ResolveModelDir(dir)))
	if cmds, err := os.ReadFile(filepath.Join(run, commandsFile)); err == nil {
		fmt.Printf("made by\n%s", indent(string(cmds)))
	}
	return nil
}

func indent(s string) string {
	var b strings.Builder
	for _, l := range strings.Split(strings.TrimRight(s, "\n"), "\n") {
		b.WriteString("  " + l + "\n")
	}
	return b.String()
}

var (
	invocation []string // the command line run was called with, for the commands file
	startTime  = time.Now()
	notedMu    sync.Mutex
	noted      = map[string]bool{} // run folders whose commands file has this process's line
)

// noteCommand appends this command line (bm and its arguments), with the time, to the commands file of the
// run folder of the model folder dir (once per process and folder).
func noteCommand(dir string) {
	run := filepath.Dir(filepath.Clean(dir))
	notedMu.Lock()
	defer notedMu.Unlock()
	if noted[run] {
		return
	}
	noted[run] = true
	if err := os.MkdirAll(run, 0o755); err != nil {
		return
	}
	f, err := os.OpenFile(filepath.Join(run, commandsFile), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return
	}
	defer f.Close()
	var args []string
	for _, a := range invocation {
		if a == "" || strings.ContainsAny(a, " \t'\"$") {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		args = append(args, a)
	}
	fmt.Fprintf(f, "%s  %s\n", startTime.Format("2006-01-02 15:04:05"), strings.Join(args, " "))
}
