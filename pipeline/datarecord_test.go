package pipeline

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestDataRecord: a model folder records its data settings; the same settings resume, another
// split is a *ResumeError naming the field, and a folder without a record gets one.
func TestDataRecord(t *testing.T) {
	modelDir := filepath.Join(t.TempDir(), "run", "model")
	d := &Data{settings: &DataSettings{NTrain: 50, NVal: 10, SplitSeed: 1337}}
	if err := checkDataRecord(modelDir, d, 3); err != nil { // an old folder: no record yet
		t.Fatal(err)
	}
	if _, err := os.Stat(DataRecordPath(modelDir)); err != nil {
		t.Fatalf("no record written: %v", err)
	}
	same := &Data{settings: &DataSettings{NTrain: 50, NVal: 10, SplitSeed: 1337, Binarize: "none", Path: "elsewhere"}}
	if err := checkDataRecord(modelDir, same, 3); err != nil {
		t.Errorf("the same settings (another path, Binarize spelled out): %v", err)
	}
	for field, s := range map[string]DataSettings{
		"Stratify":    {NTrain: 50, NVal: 10, SplitSeed: 1337, Stratify: true},
		"SplitSeed":   {NTrain: 50, NVal: 10, SplitSeed: 1},
		"NTrain":      {NTrain: 40, NVal: 10, SplitSeed: 1337},
		"Standardize": {NTrain: 50, NVal: 10, SplitSeed: 1337, Standardize: true},
	} {
		var re *ResumeError
		err := checkDataRecord(modelDir, &Data{settings: &s}, 3)
		if !errors.As(err, &re) || re.Field != field || re.Done != 3 {
			t.Errorf("%s changed: %v, want a *ResumeError for %s", field, err, field)
		}
	}
	if err := checkDataRecord(modelDir, &Data{}, 3); err != nil {
		t.Errorf("data not made by LoadData: %v", err)
	}
}
