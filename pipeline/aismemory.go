package pipeline

import (
	"bufio"
	"os"
	"strconv"
	"strings"

	tf "github.com/galeone/tensorflow/tensorflow/go"
)

// AvailableMemory returns the memory this process can still take, in bytes: MemAvailable of
// /proc/meminfo, lowered to the cgroup (v2) limit minus its usage where a limit is set. ok is
// false where neither can be read.
func AvailableMemory() (bytes int64, ok bool) {
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		sc := bufio.NewScanner(strings.NewReader(string(b)))
		for sc.Scan() {
			if k, v, found := strings.Cut(sc.Text(), ":"); found && k == "MemAvailable" {
				if n, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64); err == nil {
					bytes, ok = n*1024, true
				}
			}
		}
	}
	limit, err1 := os.ReadFile("/sys/fs/cgroup/memory.max")
	used, err2 := os.ReadFile("/sys/fs/cgroup/memory.current")
	if err1 == nil && err2 == nil {
		l, errL := strconv.ParseInt(strings.TrimSpace(string(limit)), 10, 64) // "max": no limit
		u, errU := strconv.ParseInt(strings.TrimSpace(string(used)), 10, 64)
		if errL == nil && errU == nil && (!ok || l-u < bytes) {
			bytes, ok = max(0, l-u), true
		}
	}
	return bytes, ok
}

// AISMemory estimates the bytes that annealed importance sampling takes for a model with the
// given units per layer, runs chains and betas intermediate distributions, with valueBytes per
// value (4 for float32, 8 for float64): where chains is true (they run in this process), six
// values per unit and chain (the state, its field, probabilities, uniform draws, the sample and
// one copy in flight) and three float64 per chain (log-weights and their reads); in any case the
// schedule, betas+1 float64 held in Go, twice (the schedule and the chunk being fed). In float64,
// so that absurd flags (10⁹ × 10⁹) do not overflow.
func AISMemory(sizes []int, runs, betas, valueBytes int, chains bool) float64 {
	need := 2 * 8 * (float64(betas) + 1)
	if chains {
		units := 0.0
		for _, n := range sizes {
			units += float64(n)
		}
		need += float64(runs) * (6*units*float64(valueBytes) + 3*8)
	}
	return need
}

// FormatBytes writes n bytes with a binary unit: 512 B, 3.2 GiB.
func FormatBytes(n float64) string {
	units := []string{"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"}
	i := 0
	for n >= 1024 && i < len(units)-1 {
		n /= 1024
		i++
	}
	if i == 0 {
		return strconv.FormatFloat(n, 'f', 0, 64) + " B"
	}
	return strconv.FormatFloat(n, 'f', 1, 64) + " " + units[i]
}

// AISMemoryShort reports whether AIS with runs chains and betas intermediate distributions
// on a model of the given units per layer and dtype dt would need more memory than the machine
// has available (AISMemory; chains: the chains run in this process), with the need and what is
// available in bytes. It is false where the available memory cannot be read.
func AISMemoryShort(sizes []int, runs, betas int, dt tf.DataType, chains bool) (need, avail float64, short bool) {
	valueBytes := 4
	if dt == tf.Double {
		valueBytes = 8
	}
	need = AISMemory(sizes, runs, betas, valueBytes, chains)
	a, ok := AvailableMemory()
	return need, float64(a), ok && need > float64(a)
}
