package main

import (
	"bufio"
	"bytes"
	"log"
	"os"
	"runtime/debug"
	"strconv"
	"strings"

	"github.com/boltzmann-go/boltzmann/dbm"
	"github.com/boltzmann-go/boltzmann/pipeline"
)

// stageMemory logs the process's peak resident memory since the previous call (Linux VmHWM)
// and resets the peak (writing 5 to /proc/self/clear_refs), so that every stage of a long
// program reports its own peak. It does nothing where /proc is missing.
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
	debug.FreeOSMemory()
	os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) // resets VmHWM to the current RSS
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
