package main

import (
	"bufio"
	"bytes"
	"log"
	"os"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	tf "github.com/galeone/tensorflow/tensorflow/go"
)

// stageMemory logs the process's peak resident memory since the previous call (Linux VmHWM)
// and resets the peak (writing 5 to /proc/self/clear_refs), so that every stage of a long
// program reports its own peak. It does nothing where /proc is missing.
//
// Once startMemorySampler has run, it also logs the stage's peaks of anonymous memory (RssAnon)
// and of mapped files' pages (RssFile), sampled every 50 ms, and what the anonymous memory held
// at its peak: Go's memory (not returned to the system) with its live heap objects, and the C
// allocator's (TensorFlow's) bytes in use and freed but kept.
//
// It first returns the heap's garbage to the operating system (debug.FreeOSMemory), so that the
// next stage starts from what is alive rather than from the garbage collector's headroom.
func stageMemory(stage string) {
	peak, ok := procStatusKiB("VmHWM")
	if !ok {
		return
	}
	now, _ := procStatusKiB("VmRSS")
	anon, _ := procStatusKiB("RssAnon")
	log.Printf("memory: %s: peak RSS %.0f MiB (now %.0f MiB, of which %.0f MiB anonymous, the rest mapped files)",
		stage, float64(peak)/1024, float64(now)/1024, float64(anon)/1024)
	if s := memSampler.Load(); s != nil {
		p := s.take()
		log.Printf("memory: %s: peak anonymous %.0f MiB (Go %.0f MiB, of which live heap objects %.0f MiB; C allocator %.0f MiB in use + %.0f MiB freed but kept), peak mapped files %.0f MiB",
			stage, mib(p.anon), mib(p.goMapped), mib(p.goHeap), mib(p.cUsed), mib(p.cHeld), mib(p.file))
	}
	debug.FreeOSMemory()
	os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) // resets VmHWM to the current RSS
	if s := memSampler.Load(); s != nil {
		s.take() // the next stage's peaks start here, after the garbage is returned, as VmHWM's
	}
}

func mib(n int64) float64 { return float64(n) / (1 << 20) }

// memPeak is what a memorySampler saw: the peak anonymous memory with what held it then, and
// the peak of mapped files' resident pages, in bytes.
type memPeak struct {
	anon, goMapped, goHeap, cUsed, cHeld, file int64
}

// memorySampler polls /proc/self/status for the peaks that VmHWM does not separate.
type memorySampler struct {
	mu   sync.Mutex
	peak memPeak
}

var memSampler atomic.Pointer[memorySampler]

// startMemorySampler starts sampling the process's memory every 50 ms for stageMemory (once;
// nothing where /proc is missing).
func startMemorySampler() {
	if _, ok := procStatusKiB("RssAnon"); !ok {
		return
	}
	s := &memorySampler{}
	if !memSampler.CompareAndSwap(nil, s) {
		return
	}
	go func() {
		for {
			s.sample()
			time.Sleep(50 * time.Millisecond)
		}
	}()
}

func (s *memorySampler) sample() {
	anon, ok1 := procStatusKiB("RssAnon")
	file, ok2 := procStatusKiB("RssFile")
	if !ok1 || !ok2 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if file*1024 > s.peak.file {
		s.peak.file = file * 1024
	}
	if anon*1024 > s.peak.anon {
		samples := []metrics.Sample{{Name: "/memory/classes/total:bytes"}, {Name: "/memory/classes/heap/released:bytes"},
			{Name: "/memory/classes/heap/objects:bytes"}}
		metrics.Read(samples)
		used, held := mallocBytes()
		s.peak.anon, s.peak.cUsed, s.peak.cHeld = anon*1024, used, held
		s.peak.goMapped = int64(samples[0].Value.Uint64() - samples[1].Value.Uint64())
		s.peak.goHeap = int64(samples[2].Value.Uint64())
	}
}

// take returns the peaks since the last take and starts new ones.
func (s *memorySampler) take() memPeak {
	s.sample()
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.peak
	s.peak = memPeak{}
	return p
}

// procStatusKiB returns a "<key>: <n> kB" field of /proc/self/status.
func procStatusKiB(key string) (int64, bool) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, false
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok || k != key {
			continue
		}
		n, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		return n, err == nil
	}
	return 0, false
}

// availableMemory returns the memory this process can still take, in bytes: MemAvailable of
// /proc/meminfo, lowered to the cgroup (v2) limit minus its usage where a limit is set. ok is
// false where neither can be read.
func availableMemory() (bytes int64, ok bool) {
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

// aisMemory estimates the bytes that annealed importance sampling takes for a model with the
// given units per layer, runs chains and betas intermediate distributions, with valueBytes per
// value (4 for float32, 8 for float64): where chains is true (they run in this process), six
// values per unit and chain (the state, its field, probabilities, uniform draws, the sample and
// one copy in flight) and three float64 per chain (log-weights and their reads); in any case the
// schedule, betas+1 float64 held in Go, twice (the schedule and the chunk being fed). In float64,
// so that absurd flags (10⁹ × 10⁹) do not overflow.
func aisMemory(sizes []int, runs, betas, valueBytes int, chains bool) float64 {
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

// formatBytes writes n bytes with a binary unit: 512 B, 3.2 GiB.
func formatBytes(n float64) string {
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

// checkAISMemory returns a usage error naming the flags of runs and betas (runsFlag,
// betasFlag) when AIS with them on a model of the given units per layer would need more memory
// than the machine has available (nothing where that cannot be read).
func checkAISMemory(runsFlag, betasFlag string, sizes []int, runs, betas, valueBytes int, chains bool) error {
	need := aisMemory(sizes, runs, betas, valueBytes, chains)
	avail, ok := availableMemory()
	if !ok || need <= float64(avail) {
		return nil
	}
	return flagErr(runsFlag, "%d runs and -%s %d of a %v model need about %s of memory, more than the %s available: lower them",
		runs, betasFlag, betas, sizes, formatBytes(need), formatBytes(float64(avail)))
}

// valueBytes is the size of one value of dtype dt: 8 for float64, else 4.
func valueBytes(dt tf.DataType) int {
	if dt == tf.Double {
		return 8
	}
	return 4
}
