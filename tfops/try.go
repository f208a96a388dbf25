package tfops

import "fmt"

// Try runs f and returns the value of any panic it raises as an error. The tfgo helpers panic on
// error; every call into them from this project goes through Try, so no panic reaches a caller.
func Try(f func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			if e, ok := r.(error); ok {
				err = fmt.Errorf("tfops: %w", e)
				return
			}
			err = fmt.Errorf("tfops: %v", r)
		}
	}()
	f()
	return nil
}
