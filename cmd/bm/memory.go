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

	"github.com/boltzmann-go/boltzmann/dbm"
	"github.com/boltzmann-go/boltzmann/pipeline"
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

// beforeAIS returns a hook (DBMResults.BeforeAIS) that refuses AIS needing more memory than
// the machine has available with a usage error naming the flags of the runs and the betas as
// the command spells them (runsFlag, betasFlag: "ais-runs", or "-ais-runs" for --ais-runs);
// devices are the cluster's tasks (nil: the chains run in this process).
func beforeAIS(runsFlag, betasFlag string, devices []string) func(c dbm.Config, runs, betas int) error {
	return func(c dbm.Config, runs, betas int) error {
		if need, avail, short := pipeline.AISMemoryShort(c.Sizes, runs, betas, c.DType, devices == nil); short {
			return flagErr(runsFlag, "%d runs and -%s %d of a %v model need about %s of memory, more than the %s available: lower them",
				runs, betasFlag, betas, c.Sizes, pipeline.FormatBytes(need), pipeline.FormatBytes(avail))
		}
		return nil
	}
}
