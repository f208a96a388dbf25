// Command tfinfo prints the version of the TensorFlow library the Go bindings are linked
// against and the devices a session sees.
//
// Usage:
//
//	tfinfo [-version] [-gpu ID]
//
// With -version it prints only the version (what `make deps` checks). -gpu selects GPUs as the
// training programs do: "" (the default) is the CPU only.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"

	tf "github.com/galeone/tensorflow/tensorflow/go"
	"github.com/galeone/tensorflow/tensorflow/go/op"

	"github.com/boltzmann-go/boltzmann/tfops"
)

func main() {
	log.SetFlags(0)
	log.SetPrefix("tfinfo: ")
	versionOnly := flag.Bool("version", false, "print only TF_Version()")
	gpu := flag.String("gpu", "", "GPU ids to make visible, e.g. 0 or 0,1; empty means CPU only")
	flag.Parse()
	if flag.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "tfinfo: unexpected argument %q\n", flag.Arg(0))
		os.Exit(2)
	}
	if *versionOnly {
		fmt.Println(tf.Version())
		return
	}
	fmt.Println("TensorFlow", tf.Version())
	s := op.NewScope()
	op.NoOp(s)
	g, err := s.Finalize()
	if err != nil {
		log.Fatal(err)
	}
	sess, err := tfops.NewSession(g, &tfops.Options{GPU: *gpu})
	if err != nil {
		log.Fatal(err)
	}
	defer sess.Close()
	devs, err := sess.Devices()
	if err != nil {
		log.Fatal(err)
	}
	for _, d := range devs {
		fmt.Printf("device %s (%s, %d MiB)\n", d.Name, d.Type, d.MemoryLimitBytes>>20)
	}
}
