package main

import "github.com/boltzmann-go/boltzmann/internal/pyargs"

// dbmArgs are the DBM's flags that the original's three DBM programs share.
type dbmArgs struct {
	particles, mfUpdates int
	mfTol, maxNorm       float64
	aisBetas, aisRuns    int
}

// registerDBM adds --n-particles, --max-mf-updates, --mf-tol and --max-norm, the last two
// with the program's defaults.
func (a *dbmArgs) registerDBM(p *pyargs.Parser, mfTol, maxNorm float64) {
	p.Int("--n-particles", &a.particles, 100, "number of persistent Markov chains").Metavar("M").Validate(positiveInt(&a.particles))
	p.Int("--max-mf-updates", &a.mfUpdates, 50, "maximum number of mean-field updates per weight update").Metavar("N").Validate(positiveInt(&a.mfUpdates))
	p.Float("--mf-tol", &a.mfTol, mfTol, "mean-field tolerance").Metavar("TOL")
	p.Float("--max-norm", &a.maxNorm, maxNorm, "maximum norm constraint").Metavar("C")
}

// registerAIS adds --ais-betas, with the program's default and help, and --ais-runs.
func (a *dbmArgs) registerAIS(p *pyargs.Parser, betas int, help string) {
	p.Int("--ais-betas", &a.aisBetas, betas, help).Metavar("N")
	p.Int("--ais-runs", &a.aisRuns, 100, "AIS runs").Metavar("N").Validate(positiveInt(&a.aisRuns))
}
