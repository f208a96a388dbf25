package main

import (
	"encoding/json"
	"fmt"

	"github.com/boltzmann-go/boltzmann/internal/modeldir"
)

// modelHead is what the commands read from a model.json without loading the model.
type modelHead struct {
	Kind       string `json:"kind"`
	Epoch      int    `json:"epoch"`
	Checkpoint string `json:"checkpoint"`
}

// readHead reads the model.json in dir.
func readHead(dir string) (modelHead, error) {
	var head modelHead
	b, err := modeldir.Read(dir)
	if err != nil {
		return head, err
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return head, fmt.Errorf("%s: corrupt %s: %w", dir, modeldir.File, err)
	}
	return head, nil
}

// modelKind returns the kind ("rbm" or "dbm") of the model saved in dir.
func modelKind(dir string) (string, error) {
	head, err := readHead(dir)
	if err != nil {
		return "", err
	}
	if head.Kind != "rbm" && head.Kind != "dbm" {
		return "", fmt.Errorf("%s: %s names kind %q, want rbm or dbm", dir, modeldir.File, head.Kind)
	}
	return head.Kind, nil
}
