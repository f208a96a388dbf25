package main

import (
	"cmp"
	"context"
	"os"
	"os/signal"
	"runtime"

	"github.com/boltzmann-go/boltzmann/internal/pyargs"
	"github.com/boltzmann-go/boltzmann/pipeline"
	"github.com/boltzmann-go/boltzmann/tfops"
)

// cifarArgs are the flags the original's two CIFAR programs share (dbm_cifar.py and
// dbm_cifar_naive.py), mapped onto pipeline.CIFARStages.
type cifarArgs struct {
	runArgs
	nTrain, nVal            int
	dataPath                string
	k, epochs, batch, seeds []int
	lr, l2                  []float64
	grbm, mrbm, dbmDir      string
	dbmArgs
	mlp mlpArgs
}

// cifarProgram is a CIFAR program of the pipeline: pipeline.DBMCIFAR or DBMCIFARNaive.
type cifarProgram interface {
	Check() error
	Dirs() (cifar string, rbmDirs []string, modelDir, out string)
	Run(ctx context.Context, h pipeline.Hooks) (*pipeline.DBMProgramResult, error)
}

// defaultJobs is how many patch RBMs train at once by default: one per core, each on one
// thread (the small RBMs' matrices are too small to keep several threads busy).
func defaultJobs() int { return runtime.NumCPU() }

// parsed checks the parsed command line p: --no-mlp alone, and the per-stage lists (the
// triples, --mlp-lrm's pair and the program's own lists more) replicated.
func (a *cifarArgs) parsed(p *pyargs.Parser, more ...stagedFlag) error {
	a.changed = p.Changed
	if err := a.mlp.checkNoMLP(p); err != nil {
		return err
	}
	return replicateStaged(p, append([]stagedFlag{{"--n-gibbs-steps", &a.k, 3}, {"--lr", &a.lr, 3}, {"--epochs", &a.epochs, 3},
		{"--batch-size", &a.batch, 3}, {"--l2", &a.l2, 3}, {"--random-seed", &a.seeds, 3}}, append(more, stagedFlag{"--mlp-lrm", &a.mlp.lrm, 2})...)...)
}

// stages maps the flags onto the programs' shared settings.
func (a *cifarArgs) stages() (pipeline.CIFARStages, error) {
	target, devices, err := a.cluster.plan()
	if err != nil {
		return pipeline.CIFARStages{}, err
	}
	dt, err := tfops.ParseDType(a.dtype)
	if err != nil {
		return pipeline.CIFARStages{}, flagErr("-dtype", "%v", err)
	}
	set, _ := originalResume(a.changed, "--dbm-dirpath")
	s := pipeline.CIFARStages{DataPath: a.dataPath, NTrain: a.nTrain, NVal: cmp.Or(a.nVal, -1), GRBMDir: a.grbm, MRBMDir: a.mrbm, DBMDir: a.dbmDir,
		K: a.k, Epochs: a.epochs, BatchSize: a.batch, Seeds: a.seeds, LR: a.lr, L2: a.l2, Particles: a.particles, MeanFieldSteps: a.mfUpdates,
		MeanFieldTol: a.mfTol, NoMeanFieldTol: a.mfTol == 0, MaxNorm: a.maxNorm, NoMaxNorm: a.maxNorm == 0, AISBetas: a.aisBetas, AISRuns: a.aisRuns,
		MomentumRule: a.momentumRule, DType: dt, Threads: a.threads, GPU: a.gpu, Target: target, Devices: devices,
		Given: givenFields(dbmDynamicsFields, set), BeforeAIS: beforeAIS("-ais-runs", "-ais-betas", devices),
		NoFineTune: a.mlp.stopAfterRB, RandomInitMLP: a.mlp.noInit, NoSavePrefixMLP: a.mlp.savePrefix == "", NoExportMLP: a.mlp.exportDir == ""}
	if s.MLP, err = a.mlp.settings(a.mlp.lrm, a.runArgs); err != nil {
		return s, err
	}
	s.MLP.L2, s.MLP.OutDropout = cmp.Or(s.MLP.L2, -1), cmp.Or(a.mlp.dropout, -1)
	return s, nil
}

// run runs the CIFAR program prog as command name: its settings checked, then its locations
// (the test set's too when needTest), then the program.
func (a *cifarArgs) run(name string, prog func(pipeline.CIFARStages) cifarProgram, needTest bool) int {
	if err := a.cluster.check(a.gpu); err != nil {
		return exitStatus(name, err)
	}
	return exitStatus(name, a.cluster.wrap(a.runChecked(prog, needTest)))
}

func (a *cifarArgs) runChecked(program func(pipeline.CIFARStages) cifarProgram, needTest bool) error {
	s, err := a.stages()
	if err != nil {
		return err
	}
	prog := program(s)
	if err := prog.Check(); err != nil {
		return err
	}
	cifar, rbmDirs, modelDir, out := prog.Dirs()
	if err := checkDBMLocations("--dbm-dirpath", out, append(rbmDirs, modelDir), cifar, needTest, a.mlp.checkOutputs); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	_, err = prog.Run(ctx, hooks(a.quiet))
	set, spell := originalResume(a.changed, "--dbm-dirpath")
	return dbmStageErr(err, set, spell, modelDir)
}
