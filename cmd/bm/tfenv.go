package main

// bm quiets TensorFlow's start-up lines and makes cluster sessions fail fast through package
// tfenv (tfops/tfenv), which gives TF_CPP_MIN_LOG_LEVEL and GRPC_FAIL_FAST defaults at the C
// level, before libtensorflow initialises (its doc says how). What bm adds is its -tf-log flag:
// -tf-log (or -tf-log=true) anywhere on the command line, seen from .preinit_array (which runs
// before any library initialiser), restores TensorFlow's default by setting tfenv's
// boltzmann_tfenv_verbose. A value in the environment always wins.

/*
#include <stdlib.h>
#include <string.h>

// boltzmann_tfenv_verbose is package tfenv's switch (tfops/tfenv/tfenv.go).
extern int boltzmann_tfenv_verbose;

// bm_tf_log_arg reads one argument as the -tf-log flag, as Go's flag package reads a boolean:
// -1 if it is not the flag, 1 for -tf-log, --tf-log or =1, =t, =T, =true, =TRUE, =True, 0 for
// =0, =f, =F, =false, =FALSE, =False, 2 for any other value (bm then exits with an error).
static int bm_tf_log_arg(const char *a) {
	static const char name[] = "tf-log";
	if (a[0] != '-') {
		return -1;
	}
	a += a[1] == '-' ? 2 : 1;
	if (strncmp(a, name, sizeof name - 1) != 0) {
		return -1;
	}
	a += sizeof name - 1;
	if (a[0] == 0) {
		return 1;
	}
	if (a[0] != '=') {
		return -1;
	}
	a++;
	static const char *yes[] = {"1", "t", "T", "true", "TRUE", "True"};
	static const char *no[] = {"0", "f", "F", "false", "FALSE", "False"};
	for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
		if (strcmp(a, yes[i]) == 0) {
			return 1;
		}
		if (strcmp(a, no[i]) == 0) {
			return 0;
		}
	}
	return 2;
}

static void bm_scan_args(int argc, char **argv, char **envp) {
	(void)envp;
	for (int i = 1; i < argc; i++) {
		int v = bm_tf_log_arg(argv[i]);
		if (v == 0 || v == 1) {
			boltzmann_tfenv_verbose = v;
		}
	}
}

__attribute__((section(".preinit_array"), used))
static void (*bm_scan_args_entry)(int, char **, char **) = bm_scan_args;

*/
import "C"

import (
	"fmt"
	"strings"
	"unsafe"

	_ "github.com/boltzmann-go/boltzmann/tfops/tfenv" // TensorFlow's start-up lines hidden
)

// tfLogFlag is the flag that keeps TensorFlow's start-up log lines.
const tfLogFlag = "tf-log"

// withoutTFLogFlag returns args without -tf-log / --tf-log (with or without a boolean value),
// which the C code above has already acted on, so that no subcommand's flag set sees it. A
// value that is not a boolean is an error naming the flag.
func withoutTFLogFlag(args []string) ([]string, error) {
	out := args[:0:0]
	for _, a := range args {
		switch tfLogArg(a) {
		case -1:
			out = append(out, a)
		case 2:
			return nil, fmt.Errorf("invalid boolean value %q for -%s", a[strings.IndexByte(a, '=')+1:], tfLogFlag)
		}
	}
	return out, nil
}

// tfLogArg is bm_tf_log_arg for Go: -1 if a is not the -tf-log flag, its value 0 or 1, or 2
// for a value that is not a boolean. The C code reads argv with it before any library starts.
func tfLogArg(a string) int {
	ca := C.CString(a)
	defer C.free(unsafe.Pointer(ca))
	return int(C.bm_tf_log_arg(ca))
}
