package main

import (
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// progress shows one bar over all remaining minibatches of training, with the rate, the ETA
// and the latest metrics, and prints one line per epoch above it. Without a terminal (or with
// -quiet) it prints only the epoch lines.
type progress struct {
	bar      *progressbar.ProgressBar
	perEpoch int
	first    int // first epoch of this run

	mu    sync.Mutex // serializes step
	steps int64
}

// newUnitProgress returns the progress of a run resumed after epoch done of epochs, each of
// perEpoch units called unit (its rate is units/s), with the first description desc.
func newUnitProgress(quiet bool, done, epochs, perEpoch int, unit, desc string) *progress {
	p := &progress{perEpoch: perEpoch, first: done + 1}
	if quiet || !term.IsTerminal(int(os.Stderr.Fd())) || done >= epochs {
		return p
	}
	p.bar = progressbar.NewOptions64(int64((epochs-done)*perEpoch),
		progressbar.OptionSetWriter(os.Stderr),
		progressbar.OptionSetDescription(desc),
		progressbar.OptionSetItsString(unit),
		progressbar.OptionShowIts(),
		progressbar.OptionShowCount(),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(200*time.Millisecond),
		progressbar.OptionShowDescriptionAtLineEnd(),
	)
	return p
}

// Batch is rbm.FitOptions.OnBatch.
func (p *progress) Batch(epoch, done, total int) {
	if p.bar == nil {
		return
	}
	p.bar.Set64(int64((epoch-p.first)*p.perEpoch + done))
}

// Epoch prints the epoch line and puts desc (the latest metrics) into the bar's description.
func (p *progress) Epoch(line, desc string) {
	p.println(line)
	if p.bar != nil {
		p.bar.Describe(desc)
	}
}

// println prints line above the bar, on stderr, or alone on stdout without a bar.
func (p *progress) println(line string) {
	if p.bar == nil {
		fmt.Println(line)
		return
	}
	p.bar.Clear()
	fmt.Fprintln(os.Stderr, line)
}

// Step counts one unit done and prints line above the bar (or alone, without one); unlike
// batch and epoch it is safe for concurrent use, for work done by several goroutines.
func (p *progress) Step(line string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.steps++
	p.println(line)
	if p.bar != nil {
		p.bar.Set64(p.steps)
	}
}

// Finish completes the bar and ends its line.
func (p *progress) Finish() {
	if p.bar != nil {
		p.bar.Finish()
		fmt.Fprintln(os.Stderr)
	}
}
