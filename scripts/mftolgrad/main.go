// Command mftolgrad measures what a looser mean-field tolerance changes in DBM training, against
// what chance already changes: from one saved DBM it makes the same updates (PartialFit on the
// same training rows) with the saved tolerance, with looser ones, and with the saved tolerance
// but another seed (other draws for the persistent chains), and prints how far each update's
// weight change lies from the saved tolerance's, relative to its size. A tolerance whose
// distance is far below the seed's changes training less than its own sampling noise does.
//
//	go run ./scripts/mftolgrad -model runs/ablation/ours/dbm/model -data data/mnist -rows 1000 -tols 1e-6,1e-5,1e-4,1e-3,1e-2
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/boltzmann-go/boltzmann/dataset"
	"github.com/boltzmann-go/boltzmann/dbm"
	_ "github.com/boltzmann-go/boltzmann/tfops/tfenv"
)

func main() {
	model := flag.String("model", "runs/ablation/ours/dbm/model", "a DBM model folder")
	data := flag.String("data", "data/mnist", "MNIST folder")
	rows := flag.Int("rows", 1000, "training rows to update on (minibatches of the model's batch size)")
	tols := flag.String("tols", "1e-6,1e-5,1e-4,1e-3,1e-2", "tolerances to compare with the saved one")
	seed := flag.Int64("other-seed", 3333, "the seed of the noise reference")
	threads := flag.Int("threads", 1, "intra-op threads (1 or 2; the other is the rounding reference)")
	flag.Parse()
	if err := run(*model, *data, *rows, *tols, *seed, *threads); err != nil {
		fmt.Fprintln(os.Stderr, "mftolgrad:", err)
		os.Exit(1)
	}
}

// variant is a copy of the model with its tolerance or seed changed.
type variant struct {
	name    string
	tol     float64
	seed    int64
	threads int
}

func run(model, data string, n int, tols string, otherSeed int64, threads int) error {
	im, _, err := dataset.LoadMNIST(data, true)
	if err != nil {
		return err
	}
	x := &dataset.Matrix[float32]{Rows: n, Cols: im.Dim(), Data: make([]float32, n*im.Dim())}
	for i := range x.Data {
		x.Data[i] = float32(im.Pix[i]) / 255
	}
	raw, err := os.ReadFile(filepath.Join(model, "model.json"))
	if err != nil {
		return err
	}
	var mj map[string]any
	if err := json.Unmarshal(raw, &mj); err != nil {
		return err
	}
	cfg := mj["config"].(map[string]any)
	baseTol, baseSeed := cfg["MeanFieldTol"].(float64), int64(cfg["Seed"].(float64))
	// The reference, chance (another seed) and float32 rounding (another number of threads sums
	// the products in another order), then the tolerances.
	vs := []variant{{"saved tolerance", baseTol, baseSeed, threads}, {fmt.Sprintf("seed %d", otherSeed), baseTol, otherSeed, threads},
		{fmt.Sprintf("%d threads", 3-min(threads, 2)), baseTol, baseSeed, 3 - min(threads, 2)}}
	for _, t := range strings.Split(tols, ",") {
		v, err := strconv.ParseFloat(t, 64)
		if err != nil {
			return fmt.Errorf("-tols: %w", err)
		}
		vs = append(vs, variant{"tol " + t, v, baseSeed, threads})
	}
	var ref [][]float64
	tmp, err := os.MkdirTemp("", "mftolgrad")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	for i, v := range vs {
		dir := filepath.Join(tmp, strconv.Itoa(i))
		if err := copyModel(model, dir, raw, v); err != nil {
			return err
		}
		m, err := dbm.Load(dir)
		if err != nil {
			return err
		}
		p0, err := m.Parameters()
		if err != nil {
			return err
		}
		if err := m.PartialFit(context.Background(), x); err != nil {
			return err
		}
		p1, err := m.Parameters()
		m.Close()
		if err != nil {
			return err
		}
		delta := make([][]float64, len(p1.W))
		for l := range p1.W {
			delta[l] = make([]float64, len(p1.W[l]))
			for j := range delta[l] {
				delta[l][j] = p1.W[l][j] - p0.W[l][j]
			}
		}
		if i == 0 {
			ref = delta
			fmt.Printf("%d rows, %d updates from %s (epoch %v); |ΔW| per layer:", n, (n+int(cfg["BatchSize"].(float64))-1)/int(cfg["BatchSize"].(float64)), model, mj["epoch"])
			for l := range ref {
				fmt.Printf(" %.4g", norm(ref[l]))
			}
			fmt.Println()
			continue
		}
		fmt.Printf("%-16s |ΔW − ΔW_saved| / |ΔW_saved| per layer:", v.name)
		for l := range delta {
			d := 0.0
			for j := range delta[l] {
				e := delta[l][j] - ref[l][j]
				d += e * e
			}
			fmt.Printf(" %.3g", math.Sqrt(d)/norm(ref[l]))
		}
		fmt.Println()
	}
	return nil
}

func norm(x []float64) float64 {
	s := 0.0
	for _, v := range x {
		s += v * v
	}
	return math.Sqrt(s)
}

// copyModel copies the model folder src to dst, its model.json (raw) with v's tolerance, seed
// and threads.
func copyModel(src, dst string, raw []byte, v variant) error {
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return err
	}
	entries, err := os.ReadDir(src)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if e.Name() == "model.json" || e.IsDir() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dst, e.Name()), b, 0o644); err != nil {
			return err
		}
	}
	var mj map[string]any // a fresh copy: the caller's stays as saved
	if err := json.Unmarshal(raw, &mj); err != nil {
		return err
	}
	cfg := mj["config"].(map[string]any)
	cfg["MeanFieldTol"], cfg["Seed"], cfg["Threads"] = v.tol, v.seed, v.threads
	b, err := json.MarshalIndent(mj, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dst, "model.json"), b, 0o644)
}
