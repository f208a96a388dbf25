package main

import (
	"encoding/json"
	"fmt"

	"github.com/boltzmann-go/boltzmann/internal/modeldir"
)

// modelKind returns the kind ("rbm" or "dbm") of the model saved in dir.
func modelKind(dir string) (string, error) {
	b, err := modeldir.Read(dir)
	if err != nil {
		return "", err
	}
	var head struct {
		Kind string `json:"kind"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return "", fmt.Errorf("%s: corrupt %s: %w", dir, modeldir.File, err)
	}
	if head.Kind != "rbm" && head.Kind != "dbm" {
		return "", fmt.Errorf("%s: %s names kind %q, want rbm or dbm", dir, modeldir.File, head.Kind)
	}
	return head.Kind, nil
}

// savedEpoch returns the completed epochs that the model.json in dir records, without loading
// the model.
func savedEpoch(dir string) (int, error) {
	b, err := modeldir.Read(dir)
	if err != nil {
		return 0, err
	}
	var head struct {
		Epoch int `json:"epoch"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return 0, fmt.Errorf("%s: corrupt %s: %w", dir, modeldir.File, err)
	}
	return head.Epoch, nil
}
