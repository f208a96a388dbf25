package pipeline

import (
	"fmt"
	"reflect"

	tf "github.com/galeone/tensorflow/tensorflow/go"

	"github.com/boltzmann-go/boltzmann/dbm"
	"github.com/boltzmann-go/boltzmann/rbm"
	"github.com/boltzmann-go/boltzmann/tfops"
	"github.com/boltzmann-go/boltzmann/train"
)

// A ResumeError reports a setting that differs from the saved configuration of a model that
// resumes: Field is the configuration field, Differ says how ("0.1 at epoch 1, saved 0.01"),
// Done is the epoch the model resumes after.
type ResumeError struct {
	Field, Differ string
	Done          int
}

func (e *ResumeError) Error() string {
	return fmt.Sprintf("pipeline: %s: %s: the model resumes after epoch %d with its saved configuration", e.Field, e.Differ, e.Done)
}

// CheckResume returns a *ResumeError for the first field named in given whose value in c
// differs from saved, the configuration (rbm.Config, dbm.Config) of a model resumed after
// epoch done and continued to epoch epochs. Schedules are compared epoch by epoch up to
// epochs; fields not set in c (a nil unit or L2) are not compared.
func CheckResume(c, saved any, given []string, done, epochs int) error {
	fv, sv := reflect.ValueOf(c), reflect.ValueOf(saved)
	for _, field := range given {
		a, b := fv.FieldByName(field).Interface(), sv.FieldByName(field).Interface()
		if a == nil {
			continue // not set (a Method without -method pt)
		}
		differ := ""
		switch x := a.(type) {
		case []float64:
			differ = scheduleDiff(x, b.([]float64), epochs)
		case []int:
			differ = scheduleDiff(x, b.([]int), epochs)
		case rbm.Unit:
			if !rbm.SameUnit(x, b.(rbm.Unit)) {
				differ = fmt.Sprintf("%v, saved %v", rbm.SpecOf(x), rbm.SpecOf(b.(rbm.Unit)))
			}
		case tf.DataType:
			if y := b.(tf.DataType); x != y {
				differ = fmt.Sprintf("%s, saved %s", tfops.DTypeName(x), tfops.DTypeName(y))
			}
		case *float64:
			if y := b.(*float64); x != nil && y != nil && *x != *y {
				format := "%g, saved %g"
				if _, ok := c.(dbm.Config); ok {
					format = "%+v, saved %+v" // as when dbm.Config.L2 was a float64: the same message
				}
				differ = fmt.Sprintf(format, *x, *y)
			}
		default:
			if !reflect.DeepEqual(a, b) {
				differ = fmt.Sprintf("%+v, saved %+v", a, b)
			}
		}
		if differ != "" {
			return &ResumeError{Field: field, Differ: differ, Done: done}
		}
	}
	return nil
}

// scheduleDiff describes the first epoch up to epochs at which schedules a and b differ, or "".
func scheduleDiff[T comparable](a, b []T, epochs int) string {
	for e := 1; e <= epochs; e++ {
		if x, y := train.At(a, e), train.At(b, e); x != y {
			return fmt.Sprintf("%v at epoch %d, saved %v", x, e, y)
		}
	}
	return ""
}
