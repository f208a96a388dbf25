package mlp

import (
	"math"
	"strings"
)

// Metrics a Monitor can watch, as Keras names them.
const (
	ValAcc  = "val_acc"
	ValLoss = "val_loss"
)

// maximize reports whether a larger value of the monitored metric is better (Keras' mode
// "auto": metrics with "acc" in their name are maximized).
func maximize(monitor string) bool { return strings.Contains(monitor, "acc") }

func checkMonitor(monitor string) error {
	if monitor != ValAcc && monitor != ValLoss {
		return cfgErr("Monitor", "%q, want %s or %s", monitor, ValAcc, ValLoss)
	}
	return nil
}

// EarlyStopping stops training when the monitored metric has not improved for more than
// Patience epochs, as Keras 2.0.8's EarlyStopping with min_delta 0 (the original's): after the
// last improvement, training stops at the end of the (Patience+1)-th epoch without one. The
// zero value has patience 0. Use a new value for each training run.
type EarlyStopping struct {
	// Patience is the number of epochs without improvement that are tolerated.
	Patience int
	best     float64
	wait     int
	started  bool
}

// Observe takes the metric of one epoch and reports whether training should stop.
func (e *EarlyStopping) Observe(v float64, maximizeIt bool) bool {
	if !e.started {
		e.started, e.best = true, math.Inf(1)
		if maximizeIt {
			e.best = math.Inf(-1)
		}
	}
	if (maximizeIt && v > e.best) || (!maximizeIt && v < e.best) {
		e.best, e.wait = v, 0
		return false
	}
	if e.wait >= e.Patience {
		return true
	}
	e.wait++
	return false
}

// Plateau lowers the learning rate when the monitored metric stops improving, as Keras 2.0.8's
// ReduceLROnPlateau(factor, patience, min_lr) with its defaults epsilon = 1e-4 and cooldown 0
// (the original's): an epoch improves when it beats the best value by more than Epsilon; once
// Patience epochs have passed without one, the next epoch without one multiplies the learning
// rate by Factor (never below MinLR). Use a new value for each training run.
type Plateau struct {
	// Factor multiplies the learning rate at each reduction; 0 means 0.2.
	Factor float64
	// Patience is the number of epochs without improvement before a reduction.
	Patience int
	// MinLR is the lower bound of the learning rate.
	MinLR float64
	// Epsilon is the least change that counts as an improvement; 0 means 1e-4.
	Epsilon float64
	best    float64
	wait    int
	started bool
}

// Observe takes the metric of one epoch and the current learning rate and returns the learning
// rate for the next epoch.
func (p *Plateau) Observe(v float64, maximizeIt bool, lr float64) float64 {
	factor, eps := p.Factor, p.Epsilon
	if factor == 0 {
		factor = 0.2
	}
	if eps == 0 {
		eps = 1e-4
	}
	if !p.started {
		p.started, p.best = true, math.Inf(1)
		if maximizeIt {
			p.best = math.Inf(-1)
		}
	}
	if (maximizeIt && v > p.best+eps) || (!maximizeIt && v < p.best-eps) {
		p.best, p.wait = v, 0
		return lr
	}
	if p.wait >= p.Patience && lr > p.MinLR+p.MinLR*1e-4 {
		lr = math.Max(lr*factor, p.MinLR)
		p.wait = 0
	}
	p.wait++
	return lr
}
