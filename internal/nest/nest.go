// Package nest wraps an error of a package in another step of the same package so that the
// package is named once: "rbm: load runs/x: unknown unit type", not "rbm: load runs/x: rbm:
// unknown unit type" (errors name their package at their start; a step that wraps another's
// error would otherwise name it twice).
package nest

import "strings"

// Within returns err under prefix, a message that begins with a package's name ("rbm: load
// runs/x", or just "rbm"), without the same "rbm: " at the start of err's own message: the package is named
// once ("rbm: load runs/x: config: NumHidden: …", not "rbm: load runs/x: rbm: config: …").
// errors.Is and errors.As see err. A nil err is nil.
func Within(prefix string, err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	pkg, _, _ := strings.Cut(prefix, ":")
	msg = strings.TrimPrefix(msg, pkg+": ")
	return &within{msg: prefix + ": " + msg, err: err}
}

// within is an error of a package wrapped by another step of the same package.
type within struct {
	msg string
	err error
}

func (e *within) Error() string { return e.msg }
func (e *within) Unwrap() error { return e.err }
