package modeldir

import "errors"

// ErrInconsistent is what every error about a model folder's contents matches (errors.Is): a
// model.json that is corrupt, of another kind or format, contradicts itself or its checkpoint, or
// a checkpoint that is missing or damaged. It is bad input, as a bad flag is, not a failure of
// the work; the error's message names what is wrong.
var ErrInconsistent = errors.New("the model folder is inconsistent")

// Inconsistent marks err as an error about a model folder's contents: the result matches
// ErrInconsistent and err (errors.Is, errors.As) and reads as err does. Inconsistent(nil) is nil.
func Inconsistent(err error) error {
	if err == nil {
		return nil
	}
	return inconsistent{err}
}

type inconsistent struct{ err error }

func (e inconsistent) Error() string        { return e.err.Error() }
func (e inconsistent) Unwrap() error        { return e.err }
func (e inconsistent) Is(target error) bool { return target == ErrInconsistent }
