package memstat

import (
	"os"
	"runtime"
	"testing"
	"time"
)

// TestPeaks: the process's resident set is read from /proc; the sampler's peak of anonymous
// memory sees a 256 MiB allocation touched page by page, with Go's memory holding it; after
// TakePeak the next peak starts again.
func TestPeaks(t *testing.T) {
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("no /proc here")
	}
	rss, ok := StatusKiB("VmRSS")
	if !ok || rss <= 0 {
		t.Fatalf("VmRSS = %d, %v", rss, ok)
	}
	if _, ok := StatusKiB("NoSuchField"); ok {
		t.Error("a missing field was found")
	}
	if _, ok := TakePeak(); ok {
		t.Fatal("TakePeak reported a peak before StartSampler")
	}
	StartSampler()
	ResetPeak()
	big := make([]byte, 256<<20)
	for i := 0; i < len(big); i += 4096 {
		big[i] = 1
	}
	time.Sleep(120 * time.Millisecond) // two samples
	p, ok := TakePeak()
	if !ok {
		t.Fatal("no peak after StartSampler")
	}
	if p.Anon < 256<<20 || p.GoMapped < 256<<20 {
		t.Errorf("peak anonymous %d B, Go %d B: want both ≥ 256 MiB while 256 MiB are touched", p.Anon, p.GoMapped)
	}
	runtime.KeepAlive(big)
}
