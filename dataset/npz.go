package dataset

import (
	"archive/zip"
	"fmt"
	"slices"
	"strings"
)

// ReadNPZ reads one array of a NumPy .npz archive (numpy.savez or savez_compressed: a zip of
// .npy files) as ReadNPY does. key names the array ("x" for x.npy in the archive); an empty
// key takes the archive's only array. A missing key, or an empty one in an archive of several
// arrays, is an error that lists the keys. Errors name the file.
func ReadNPZ[T Float](path, key string) (*Matrix[T], error) {
	z, err := zip.OpenReader(path)
	if err != nil {
		return nil, fileErr(path, fmt.Errorf("npz: %v: %w", err, ErrFormat))
	}
	defer z.Close()
	var keys []string
	files := map[string]*zip.File{}
	for _, f := range z.File {
		if k, ok := strings.CutSuffix(f.Name, ".npy"); ok {
			keys = append(keys, k)
			files[k] = f
		}
	}
	slices.Sort(keys)
	if key == "" {
		if len(keys) != 1 {
			return nil, fileErr(path, fmt.Errorf("npz: %d arrays (%s): name the one to read: %w", len(keys), strings.Join(keys, ", "), ErrArgument))
		}
		key = keys[0]
	}
	f, ok := files[key]
	if !ok {
		return nil, fileErr(path, fmt.Errorf("npz: no array %q (it holds %s): %w", key, strings.Join(keys, ", "), ErrArgument))
	}
	r, err := f.Open()
	if err != nil {
		return nil, fileErr(path, fmt.Errorf("npz: %s: %v: %w", f.Name, err, ErrFormat))
	}
	defer r.Close()
	m, err := decodeNPY[T](r, int64(f.UncompressedSize64))
	if err != nil {
		return nil, fileErr(path, fmt.Errorf("%s: %w", f.Name, err))
	}
	return m, nil
}
