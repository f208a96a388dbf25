// Command weightdiff prints how far apart the weights of DBM models are: for each model after
// the first, |W − W_first| / |W_first| per layer (0 means the same weights bit for bit).
//
//	go run ./scripts/weightdiff runs/a/dbm/model runs/b/dbm/model [...]
package main

import (
	"fmt"
	"math"
	"os"

	"github.com/boltzmann-go/boltzmann/dbm"
	_ "github.com/boltzmann-go/boltzmann/tfops/tfenv"
)

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: weightdiff MODEL MODEL [MODEL ...]")
		os.Exit(2)
	}
	var ref dbm.Parameters
	for i, dir := range os.Args[1:] {
		p, err := params(dir)
		if err != nil {
			fmt.Fprintln(os.Stderr, "weightdiff:", err)
			os.Exit(1)
		}
		if i == 0 {
			ref = p
			continue
		}
		if len(p.W) != len(ref.W) {
			fmt.Fprintf(os.Stderr, "weightdiff: %s has %d weight matrices, %s %d\n", dir, len(p.W), os.Args[1], len(ref.W))
			os.Exit(1)
		}
		fmt.Printf("%s: |W − W_ref| / |W_ref| per layer:", dir)
		for l := range p.W {
			if len(p.W[l]) != len(ref.W[l]) {
				fmt.Fprintf(os.Stderr, "\nweightdiff: %s: layer %d has another shape\n", dir, l+1)
				os.Exit(1)
			}
			d, r := 0.0, 0.0
			for j := range p.W[l] {
				e := p.W[l][j] - ref.W[l][j]
				d += e * e
				r += ref.W[l][j] * ref.W[l][j]
			}
			fmt.Printf(" %.3g", math.Sqrt(d/r))
		}
		fmt.Println()
	}
}

func params(dir string) (dbm.Parameters, error) {
	m, err := dbm.Load(dir)
	if err != nil {
		return dbm.Parameters{}, err
	}
	defer m.Close()
	return m.Parameters()
}
