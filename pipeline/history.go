package pipeline

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/boltzmann-go/boltzmann/internal/atomicfile"
	"github.com/boltzmann-go/boltzmann/rbm"
)

// An EpochRecord is one line of the training history kept in <out>/history.json, so that learning
// curves span resumed runs.
type EpochRecord struct {
	Epoch   int                `json:"epoch"`
	Updates int64              `json:"updates"`
	Seconds float64            `json:"seconds"`
	Train   map[string]float64 `json:"train"`
	Val     map[string]float64 `json:"val"`
}

// Record is the history line of an RBM epoch.
func Record(st rbm.EpochStats) EpochRecord {
	return EpochRecord{Epoch: st.Epoch, Updates: st.Updates, Seconds: st.Elapsed.Seconds(), Train: st.Train, Val: st.Val}
}

// LoadHistory reads the history of the epochs up to done (a resumed model's epoch count).
func LoadHistory(out string, done int) ([]EpochRecord, error) {
	b, err := os.ReadFile(filepath.Join(out, "history.json"))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var h []EpochRecord
	if err := json.Unmarshal(b, &h); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(out, "history.json"), err)
	}
	kept := h[:0]
	for _, r := range h {
		if r.Epoch <= done {
			kept = append(kept, r)
		}
	}
	return kept, nil
}

// SaveHistory writes the history atomically.
func SaveHistory(out string, h []EpochRecord) error {
	b, err := json.MarshalIndent(h, "", " ")
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(filepath.Join(out, "history.json"), b)
}
