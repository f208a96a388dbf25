package main

import (
	"log"

	"github.com/boltzmann-go/boltzmann/dbm"
	"github.com/boltzmann-go/boltzmann/internal/memstat"
	"github.com/boltzmann-go/boltzmann/pipeline"
)

// stageMemory logs the process's peak resident memory since the previous call (Linux VmHWM)
// and resets the peak (memstat.ResetPeak), so that every stage of a long program reports its
// own peak. It does nothing where /proc is missing. Once memstat.StartSampler has run, it also
// logs the stage's peaks of anonymous memory and of mapped files' pages, with what held the
// anonymous memory at its peak: Go's memory with its live heap objects, and the C allocator's
// (TensorFlow's) bytes in use and freed but kept.
func stageMemory(stage string) {
	peak, ok := memstat.StatusKiB("VmHWM")
	if !ok {
		return
	}
	now, _ := memstat.StatusKiB("VmRSS")
	anon, _ := memstat.StatusKiB("RssAnon")
	log.Printf("memory: %s: peak RSS %.0f MiB (now %.0f MiB, of which %.0f MiB anonymous, the rest mapped files)",
		stage, float64(peak)/1024, float64(now)/1024, float64(anon)/1024)
	if p, ok := memstat.TakePeak(); ok {
		log.Printf("memory: %s: peak anonymous %.0f MiB (Go %.0f MiB, of which live heap objects %.0f MiB; C allocator %.0f MiB in use + %.0f MiB freed but kept), peak mapped files %.0f MiB",
			stage, mib(p.Anon), mib(p.GoMapped), mib(p.GoHeap), mib(p.CUsed), mib(p.CHeld), mib(p.File))
	}
	memstat.ResetPeak()
}

func mib(n int64) float64 { return float64(n) / (1 << 20) }

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
