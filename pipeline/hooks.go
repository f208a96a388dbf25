package pipeline

import "fmt"

// Hooks receive what a stage reports. The zero value reports nothing: a stage never writes to
// the terminal itself.
type Hooks struct {
	// Log receives each log line of a stage (no trailing newline). Nil: discarded.
	Log func(line string)
	// Progress is called when a stage starts a run of epochs (or of other units, such as AIS's
	// inverse temperatures) and returns what follows that run. Nil: no progress is reported,
	// and the per-epoch lines are discarded.
	Progress func(Run) Progress
	// Output receives results meant for the reader, such as the few-label table (bm prints
	// them on stdout). Nil: discarded.
	Output func(text string)
	// Saving is called with each model folder a stage trains or writes (bm records its
	// command line beside the folder). Nil: nothing is called.
	Saving func(modelDir string)
	// StageDone is called when a stage of a long program ends, with the stage's name ("data",
	// "Gaussian RBM", …): bm logs the process's peak memory of the stage. Nil: nothing is
	// called.
	StageDone func(stage string)
}

// A Run is the work a Progress follows: Epochs epochs of PerEpoch units each, the first Done
// of them already done (a resumed run). Unit names one unit ("batch", "β") and Desc is the
// first description.
type Run struct {
	Done, Epochs, PerEpoch int
	Unit, Desc             string
}

// A Progress follows one run of a stage.
type Progress interface {
	// Batch reports done of the total units of epoch (1-based) finished.
	Batch(epoch, done, total int)
	// Epoch reports an epoch finished: line describes it, desc is the description of the
	// run from now on.
	Epoch(line, desc string)
	// Step reports one unit of work finished by one of several concurrent workers, with a line
	// that describes it; unlike Batch and Epoch it must be safe for concurrent use.
	Step(line string)
	// Finish ends the run.
	Finish()
}

// logf sends one formatted line to h.Log.
func (h Hooks) logf(format string, args ...any) {
	if h.Log != nil {
		h.Log(fmt.Sprintf(format, args...))
	}
}

// saving calls h.Saving.
func (h Hooks) saving(dir string) {
	if h.Saving != nil {
		h.Saving(dir)
	}
}

// output sends text to h.Output.
func (h Hooks) output(text string) {
	if h.Output != nil {
		h.Output(text)
	}
}

// stageDone calls h.StageDone.
func (h Hooks) stageDone(stage string) {
	if h.StageDone != nil {
		h.StageDone(stage)
	}
}

// start returns the Progress of run r: h.Progress's, or one that discards everything.
func (h Hooks) start(r Run) Progress {
	if h.Progress != nil {
		if p := h.Progress(r); p != nil {
			return p
		}
	}
	return silent{}
}

// startEpochs is start for a run of epochs of batches, resumed after done.
func (h Hooks) startEpochs(done, epochs, perEpoch int) Progress {
	return h.start(Run{Done: done, Epochs: epochs, PerEpoch: perEpoch, Unit: "batch", Desc: fmt.Sprintf("epoch %d/%d", done+1, epochs)})
}

// silent is the Progress of Hooks without one.
type silent struct{}

func (silent) Batch(epoch, done, total int) {}
func (silent) Epoch(line, desc string)      {}
func (silent) Step(line string)             {}
func (silent) Finish()                      {}
