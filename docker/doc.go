// Package docker holds the GPU image of the project, Dockerfile.gpu, and its entry point. It
// has no Go code: its test checks the Dockerfile statically (the TensorFlow and Go versions it
// pins, its stages, entry point and library path) against the Makefile and
// scripts/tf-deps.sh, since no Docker engine runs where the tests run.
package docker
