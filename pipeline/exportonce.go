package pipeline

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"

	"github.com/boltzmann-go/boltzmann/export"
	"github.com/boltzmann-go/boltzmann/internal/atomicfile"
)

// ExportIfChanged exports m as the next version of <base>/<name>, unless the newest version
// there holds exactly the same SavedModel (the same files, byte for byte): a rerun of a
// finished program that fine-tunes the same classifier again then adds no version (issue 29,
// point 5). It returns the version directory that holds the model and whether it is new.
func ExportIfChanged(base, name string, m export.Model, opts *export.Options) (string, bool, error) {
	v, err := export.NextVersion(base, name)
	if err != nil {
		return "", false, err
	}
	latest := latestVersion(filepath.Join(base, name))
	if latest == "" {
		path, err := export.Write(base, name, v, m, opts)
		return path, err == nil, err
	}
	// The candidate is written beside the model's folder (where TF Serving does not look), then
	// compared, and renamed into place as the next version only if it differs.
	if err := os.MkdirAll(base, 0o755); err != nil {
		return "", false, err
	}
	// The candidates of earlier runs killed before they removed theirs.
	if left, err := filepath.Glob(filepath.Join(base, ".bm-export-"+name+"-*")); err == nil {
		for _, dir := range left {
			os.RemoveAll(dir)
		}
	}
	scratch, err := os.MkdirTemp(base, ".bm-export-"+name+"-")
	if err != nil {
		return "", false, err
	}
	defer os.RemoveAll(scratch)
	candidate, err := export.Write(scratch, name, 1, m, opts)
	if err != nil {
		return "", false, err
	}
	same, err := sameTree(candidate, latest)
	if err != nil {
		return "", false, err
	}
	if same {
		return latest, false, nil
	}
	final := filepath.Join(base, name, strconv.FormatInt(v, 10))
	if err := os.Rename(candidate, final); err != nil {
		return "", false, fmt.Errorf("export: install %s: %w", final, err)
	}
	return final, true, atomicfile.SyncDir(filepath.Join(base, name))
}

// latestVersion returns the directory of the largest version under dir (a subdirectory whose
// name is a positive integer), or "".
func latestVersion(dir string) string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return ""
	}
	var top int64
	for _, e := range entries {
		if v, err := strconv.ParseInt(e.Name(), 10, 64); err == nil && v > top && e.IsDir() {
			top = v
		}
	}
	if top == 0 {
		return ""
	}
	return filepath.Join(dir, strconv.FormatInt(top, 10))
}

// sameTree reports whether the directories a and b hold the same regular files with the same
// bytes (and nothing else).
func sameTree(a, b string) (bool, error) {
	files := func(root string) (map[string]string, error) {
		out := map[string]string{}
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(root, path)
			switch {
			case d.IsDir():
				out[rel] = "dir"
			case d.Type().IsRegular():
				out[rel] = "file"
			default:
				out[rel] = "other"
			}
			return nil
		})
		return out, err
	}
	fa, err := files(a)
	if err != nil {
		return false, err
	}
	fb, err := files(b)
	if err != nil {
		return false, err
	}
	if len(fa) != len(fb) {
		return false, nil
	}
	for rel, kind := range fa {
		if fb[rel] != kind || kind == "other" {
			return false, nil
		}
		if kind != "file" {
			continue
		}
		ba, err := os.ReadFile(filepath.Join(a, rel))
		if err != nil {
			return false, err
		}
		bb, err := os.ReadFile(filepath.Join(b, rel))
		if err != nil {
			return false, err
		}
		if !bytes.Equal(ba, bb) {
			return false, nil
		}
	}
	return true, nil
}
