package train

import (
	"errors"
	"fmt"
	"math"
)

// ErrConfig is matched (errors.Is) by every *ConfigError.
var ErrConfig = errors.New("invalid configuration")

// ConfigError reports an invalid configuration field: Field is its Go name (with an index, as
// "Momentum[3]", for one value of a schedule) so that a command-line front end can map it to the
// flag the user typed.
type ConfigError struct {
	// Package is the package whose configuration is invalid ("rbm", "dbm", "mlp").
	Package string
	// Field is the configuration field and Reason what is wrong with it.
	Field, Reason string
}

func (e *ConfigError) Error() string {
	return e.Package + ": config: " + e.Field + ": " + e.Reason
}

// Is reports whether target is ErrConfig.
func (e *ConfigError) Is(target error) bool { return target == ErrConfig }

// Bad returns a *ConfigError of package pkg for field, with the formatted reason.
func Bad(pkg, field, format string, args ...any) error {
	return &ConfigError{Package: pkg, Field: field, Reason: fmt.Sprintf(format, args...)}
}

// OrDefault sets *p to v when *p is the zero value.
func OrDefault[T comparable](p *T, v T) {
	var zero T
	if *p == zero {
		*p = v
	}
}

// CheckRun checks the configuration fields every trainable model shares: the sparsity
// damping in [0, 1), the updates per Session.Run and the thread count (zero means a default).
func CheckRun(pkg string, sparsityDamping float64, updatesPerRun, threads int) error {
	switch {
	case sparsityDamping < 0 || sparsityDamping >= 1 || math.IsNaN(sparsityDamping):
		return Bad(pkg, "SparsityDamping", "%g, want in (0, 1)", sparsityDamping)
	case updatesPerRun < 0:
		return Bad(pkg, "UpdatesPerRun", "%d, want ≥ 1", updatesPerRun)
	case threads < 0:
		return Bad(pkg, "Threads", "%d, want ≥ 0", threads)
	}
	return nil
}
