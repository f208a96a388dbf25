// Package memstat measures this process's memory on Linux: the peak resident set (VmHWM) with
// its reset, the anonymous and file-backed parts, and a sampler that records, at the peak of the
// anonymous memory, what held it (Go's memory and the C allocator's, which TensorFlow uses).
// Where /proc is missing every function reports nothing (ok false, or a no-op).
package memstat

import (
	"bufio"
	"bytes"
	"os"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// StatusKiB returns a "<key>: <n> kB" field of /proc/self/status (VmHWM, VmRSS, RssAnon,
// RssFile, …).
func StatusKiB(key string) (int64, bool) {
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

// ResetPeak returns the Go heap's garbage to the operating system (debug.FreeOSMemory) and
// resets VmHWM to the current resident set (writing 5 to /proc/self/clear_refs), and the
// sampler's peaks with it, so that the next stage's peak starts from what is alive.
func ResetPeak() {
	debug.FreeOSMemory()
	_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) // no /proc: nothing to reset
	if s := sampler.Load(); s != nil {
		s.take()
	}
}

// A Peak is what the sampler saw since the last TakePeak, in bytes: the peak anonymous memory
// with what held it then (Go's memory not returned to the system, of which live heap objects;
// the C allocator's bytes in use and freed but kept), and the peak of mapped files' pages.
type Peak struct {
	Anon, GoMapped, GoHeap, CUsed, CHeld, File int64
}

type peakSampler struct {
	mu   sync.Mutex
	peak Peak
}

var sampler atomic.Pointer[peakSampler]

// StartSampler starts sampling the process's memory every 50 ms for TakePeak (once; nothing
// where /proc is missing).
func StartSampler() {
	if _, ok := StatusKiB("RssAnon"); !ok {
		return
	}
	s := &peakSampler{}
	if !sampler.CompareAndSwap(nil, s) {
		return
	}
	go func() {
		for {
			s.sample()
			time.Sleep(50 * time.Millisecond)
		}
	}()
}

// TakePeak returns the sampler's peaks since the last call and starts new ones; ok is false
// when StartSampler has not run.
func TakePeak() (p Peak, ok bool) {
	s := sampler.Load()
	if s == nil {
		return Peak{}, false
	}
	return s.take(), true
}

func (s *peakSampler) sample() {
	anon, ok1 := StatusKiB("RssAnon")
	file, ok2 := StatusKiB("RssFile")
	if !ok1 || !ok2 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if file*1024 > s.peak.File {
		s.peak.File = file * 1024
	}
	if anon*1024 > s.peak.Anon {
		samples := []metrics.Sample{{Name: "/memory/classes/total:bytes"}, {Name: "/memory/classes/heap/released:bytes"},
			{Name: "/memory/classes/heap/objects:bytes"}}
		metrics.Read(samples)
		used, held := mallocBytes()
		s.peak.Anon, s.peak.CUsed, s.peak.CHeld = anon*1024, used, held
		s.peak.GoMapped = int64(samples[0].Value.Uint64() - samples[1].Value.Uint64())
		s.peak.GoHeap = int64(samples[2].Value.Uint64())
	}
}

func (s *peakSampler) take() Peak {
	s.sample()
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.peak
	s.peak = Peak{}
	return p
}
