package pipeline

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"

	"github.com/boltzmann-go/boltzmann/internal/atomicfile"
)

// DataRecordFile is the file beside a model folder (in its run folder) that records the data
// settings the model trains on, so that a model which resumes is not silently trained on
// other rows (another split seed, stratification, size or preparation).
const DataRecordFile = "data.json"

// DataRecordPath is the data record of the model folder modelDir.
func DataRecordPath(modelDir string) string { return besideModel(modelDir, DataRecordFile) }

// dataRecord is what a run folder records of its training data: the settings that choose
// and prepare the rows, each field named as in DataSettings. The data's path is not recorded:
// a data set may move.
type dataRecord struct {
	NTrain      int
	NVal        int
	SplitSeed   uint64
	Stratify    bool
	Binarize    string
	Standardize bool
}

// recordOf returns the record of settings s.
func recordOf(s DataSettings) dataRecord {
	b := s.Binarize
	if b == "" {
		b = "none"
	}
	return dataRecord{NTrain: s.NTrain, NVal: s.NVal, SplitSeed: s.SplitSeed, Stratify: s.Stratify, Binarize: b, Standardize: s.Standardize}
}

// checkDataRecord compares the settings d was loaded with against the record beside modelDir,
// for a model that resumes after epoch done: a difference is a *ResumeError naming the
// DataSettings field. A folder without a record (made before records existed) gets one.
// Data not made by LoadData (no settings) are not checked.
func checkDataRecord(modelDir string, d *Data, done int) error {
	if d == nil || d.settings == nil {
		return nil
	}
	path := DataRecordPath(modelDir)
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return writeDataRecord(modelDir, d)
	}
	if err != nil {
		return fmt.Errorf("pipeline: read the data record: %w", err)
	}
	var saved dataRecord
	if err := json.Unmarshal(raw, &saved); err != nil {
		return fmt.Errorf("pipeline: %s: %w", path, err)
	}
	// Field by field, so that the error names the setting (a DataSettings field of the same name).
	now, then := reflect.ValueOf(recordOf(*d.settings)), reflect.ValueOf(saved)
	for i := range now.NumField() {
		if a, b := now.Field(i).Interface(), then.Field(i).Interface(); a != b {
			return &ResumeError{Field: now.Type().Field(i).Name, Differ: fmt.Sprintf("%v, but the model was trained on data with %v (%s)", a, b, path), Done: done}
		}
	}
	return nil
}

// writeDataRecord writes the record of d's settings beside modelDir (nothing for data not
// made by LoadData).
func writeDataRecord(modelDir string, d *Data) error {
	if d == nil || d.settings == nil {
		return nil
	}
	path := DataRecordPath(modelDir)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return atomicfile.Write(path, func(w io.Writer) error {
		e := json.NewEncoder(w)
		e.SetIndent("", "  ")
		return e.Encode(recordOf(*d.settings))
	})
}
