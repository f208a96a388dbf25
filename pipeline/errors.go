package pipeline

import "fmt"

// A FieldError reports a setting that cannot be used: Field names it as a Go selector of the
// stage's settings (e.g. "NTrain", "Data.ImageShape"), so that a command can name the flag that
// set it. Its message names the field.
type FieldError struct {
	Field string
	Msg   string
}

func (e *FieldError) Error() string { return "pipeline: " + e.Field + ": " + e.Msg }

// fieldErr returns a *FieldError for field with a formatted message.
func fieldErr(field, format string, args ...any) error {
	return &FieldError{Field: field, Msg: fmt.Sprintf(format, args...)}
}
