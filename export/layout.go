package export

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/boltzmann-go/boltzmann/internal/nest"
)

// The directory layout TF Serving expects: <base>/<name>/<version>/ with an integer version,
// holding saved_model.pb and variables/. Work in progress lives beside the versions under
// names that start with a dot and are not integers, so TF Serving never loads it.
const (
	savedModelFile  = "saved_model.pb"
	variablesDir    = "variables"
	variablesPrefix = "variables" // variables/variables.index, variables/variables.data-00000-of-00001
	tmpPrefix       = ".tmp-"     // .tmp-<version>-<random>: a version being written
	oldPrefix       = ".old-"     // .old-<version>-<random>: a version being replaced
)

// CheckName returns an error wrapping ErrArgument unless name can name a model under a base
// directory: not empty, not "." or "..", and without a path separator or NUL. Write and
// NextVersion check it too; a command checks it first to report a usage error.
func CheckName(name string) error { return checkName(name) }

// checkName reports whether name can be one path element under base.
func checkName(name string) error {
	switch {
	case name == "":
		return fmt.Errorf("export: empty model name: %w", ErrArgument)
	case name == "." || name == "..":
		return fmt.Errorf("export: model name %q: %w", name, ErrArgument)
	case strings.ContainsAny(name, `/\`+"\x00"):
		return fmt.Errorf("export: model name %q contains a path separator or NUL: %w", name, ErrArgument)
	}
	return nil
}

// checkBase reports an unusable base directory argument.
func checkBase(base string) error {
	if base == "" {
		return fmt.Errorf("export: empty base directory: %w", ErrArgument)
	}
	return nil
}

// parseVersion returns the version a directory name stands for, as TF Serving reads it: a
// non-negative decimal integer. ok is false for every other name (including the .tmp- and
// .old- work directories).
func parseVersion(name string) (v int64, ok bool) {
	if name == "" || strings.Trim(name, "0123456789") != "" {
		return 0, false
	}
	v, err := strconv.ParseInt(name, 10, 64)
	return v, err == nil
}

// NextVersion returns 1 + the largest version under <base>/<name>, or 1 when that directory
// does not exist or holds no version. A version is a subdirectory whose name is a decimal
// integer, as TF Serving reads it, or the hidden work directory of an interrupted write of one
// (so that no number is handed out twice); other entries are ignored.
func NextVersion(base, name string) (int64, error) {
	if err := checkBase(base); err != nil {
		return 0, err
	}
	if err := checkName(name); err != nil {
		return 0, err
	}
	dir := filepath.Join(base, name)
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return 1, nil
	}
	if err != nil {
		return 0, nest.Within("export: next version", err)
	}
	var top int64
	for _, e := range entries {
		if v, ok := parseVersion(e.Name()); ok && e.IsDir() && v > top {
			top = v
		}
		// A version an interrupted export was writing or replacing counts as used, so that a
		// number is never handed out twice.
		if v, ok := hiddenVersion(e.Name()); ok && v > top {
			top = v
		}
	}
	if top == math.MaxInt64 {
		return 0, fmt.Errorf("export: next version: %s already has version %d: %w", dir, top, ErrArgument)
	}
	return top + 1, nil
}

// hiddenVersion returns the version in the name of an export's work directory
// (.tmp-<version>-… or .old-<version>-…).
func hiddenVersion(name string) (int64, bool) {
	for _, p := range []string{tmpPrefix, oldPrefix} {
		if rest, ok := strings.CutPrefix(name, p); ok {
			num, _, _ := strings.Cut(rest, "-")
			return parseVersion(num)
		}
	}
	return 0, false
}

// recoverInterrupted repairs what an export killed in install left under parent: a replaced
// version whose replacement never arrived (.old-<v>-… without <v>) is put back, so a servable
// version exists again; leftover work directories are removed.
func recoverInterrupted(parent string) {
	entries, err := os.ReadDir(parent)
	if err != nil {
		return
	}
	for _, e := range entries {
		name := e.Name()
		v, ok := hiddenVersion(name)
		if !ok {
			continue
		}
		path := filepath.Join(parent, name)
		final := filepath.Join(parent, strconv.FormatInt(v, 10))
		if strings.HasPrefix(name, oldPrefix) {
			if _, err := os.Lstat(final); errors.Is(err, fs.ErrNotExist) && os.Rename(path, final) == nil {
				continue
			}
		}
		os.RemoveAll(path)
	}
}

// install moves the finished directory tmp to final. Without overwrite it refuses an existing
// final (ErrExists). With overwrite an existing final is first renamed to a hidden .old-
// directory, then tmp is renamed in, then the old copy is deleted: a crash between the two
// renames leaves no final at all (the old copy under .old-…, the new one under .tmp-…), never
// a half-written one.
func install(tmp, final, parent string, version int64, overwrite bool) error {
	_, err := os.Lstat(final)
	exists := err == nil
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if exists && !overwrite {
		return fmt.Errorf("%s: %w", final, ErrExists)
	}
	var old string
	if exists {
		old = filepath.Join(parent, fmt.Sprintf("%s%d-%016x", oldPrefix, version, rand.Uint64()))
		if err := os.Rename(final, old); err != nil {
			return err
		}
	}
	if err := os.Rename(tmp, final); err != nil {
		if errors.Is(err, fs.ErrExist) || errors.Is(err, syscall.ENOTEMPTY) {
			err = fmt.Errorf("%s appeared during the write: %w", final, ErrExists)
		}
		if old != "" {
			// Put the old version back; if even that fails, say where it is.
			if e := os.Rename(old, final); e != nil {
				return fmt.Errorf("%w (the previous version is in %s)", err, old)
			}
		}
		return err
	}
	if err := syncDir(parent); err != nil {
		return err
	}
	if old != "" {
		if err := os.RemoveAll(old); err != nil {
			return fmt.Errorf("%s is installed, but the replaced version is left in %s: %w", final, old, err)
		}
	}
	return nil
}

// syncTree flushes every file and directory under root to stable storage, so that a version
// directory renamed into place survives a power loss as well as a crash.
func syncTree(root string) error {
	return filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return syncPath(path)
	})
}

func syncDir(dir string) error { return syncPath(dir) }

func syncPath(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	err = f.Sync()
	if e := f.Close(); err == nil {
		err = e
	}
	return err
}
