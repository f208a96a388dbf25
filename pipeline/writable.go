package pipeline

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// CheckWritable checks that files can be written into dir: it is a folder in which a file can
// be created, or it does not exist yet and its nearest existing ancestor is such a folder
// (nothing is created but a probe file, removed at once). The error names dir first. Long
// programs check every output folder this way before their first epoch, so that a folder that
// cannot be written fails in seconds, not after hours of training.
func CheckWritable(dir string) error {
	fail := func(format string, args ...any) error {
		return fmt.Errorf("%s: "+format, append([]any{dir}, args...)...)
	}
	p := filepath.Clean(dir)
	for {
		st, err := os.Stat(p)
		if err == nil {
			if !st.IsDir() {
				if p == filepath.Clean(dir) {
					return fail("is a file, want a folder")
				}
				return fail("cannot be created: %s is a file", p)
			}
			break
		}
		if !errors.Is(err, os.ErrNotExist) && !errors.Is(err, syscall.ENOTDIR) {
			return fail("%v", err)
		}
		parent := filepath.Dir(p)
		if parent == p {
			return fail("%v", err)
		}
		p = parent
	}
	f, err := os.CreateTemp(p, ".bm-write-check-*")
	if err != nil {
		return fail("cannot be written: %v", err)
	}
	name := f.Name()
	f.Close()
	if err := os.Remove(name); err != nil {
		return fail("%v", err)
	}
	return nil
}
