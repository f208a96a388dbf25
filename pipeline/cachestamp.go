package pipeline

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"

	"github.com/boltzmann-go/boltzmann/internal/atomicfile"
)

// cacheStamp is what a cache file was made from, written beside it as <file>.json: a cache is
// reused only when its stamp equals the one the run would write.
type cacheStamp map[string]any

// stampPath is the stamp file of cache file path.
func stampPath(path string) string { return path + ".json" }

// matches reports whether path and its stamp exist and the stamp equals s; why says otherwise.
func (s cacheStamp) matches(path string) (ok bool, why string) {
	if _, err := os.Stat(path); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return false, "not there"
		}
		return false, err.Error()
	}
	b, err := os.ReadFile(stampPath(path))
	if err != nil {
		return false, fmt.Sprintf("no readable %s", filepath.Base(stampPath(path)))
	}
	var old map[string]any
	if err := json.Unmarshal(b, &old); err != nil {
		return false, fmt.Sprintf("%s: %v", filepath.Base(stampPath(path)), err)
	}
	want := map[string]any{}
	nb, _ := json.Marshal(s) // through JSON, so numbers compare as float64 on both sides
	json.Unmarshal(nb, &want)
	if !reflect.DeepEqual(old, want) {
		return false, fmt.Sprintf("made from %s, this run needs %s", b, nb)
	}
	return true, ""
}

// write writes the stamp of path (after path itself, so a stamp never vouches for a file that
// is not complete).
func (s cacheStamp) write(path string) error {
	b, _ := json.Marshal(s)
	return atomicfile.WriteFile(stampPath(path), b)
}

// fingerprint names the files of a folder by size and modification time, so that a cache made
// from other files (a dataset replaced in place) does not pass for this one's.
func fingerprint(dir string) string {
	entries, _ := os.ReadDir(dir)
	var parts []string
	for _, e := range entries {
		if info, err := e.Info(); err == nil && info.Mode().IsRegular() {
			parts = append(parts, fmt.Sprintf("%s:%d:%d", e.Name(), info.Size(), info.ModTime().Unix()))
		}
	}
	return strings.Join(parts, ",")
}
