package main

// bm's defaults for TensorFlow's environment variables, which TensorFlow's C++ reads with the C
// library's getenv, some of them before any Go code runs:
//
//   - TF_CPP_MIN_LOG_LEVEL=2: TensorFlow logs a few lines when it starts (oneDNN, CPU features,
//     MLIR), the first of them while libtensorflow initialises. Setting the variable from Go is
//     too late, and setting it from C before the libraries initialise is undone by the C
//     library's own start-up (it resets environ). Level 2 hides information and warnings; fatal
//     errors still show. -tf-log (or -tf-log=true) anywhere on the command line (seen from
//     .preinit_array, which runs before any library initialiser) restores TensorFlow's default.
//   - GRPC_FAIL_FAST=true: a session on a cluster whose worker stops fails at once instead of
//     waiting, without end, for the worker to come back. TensorFlow reads it once, at a time of
//     its own (a Go os.Setenv before the first cluster session is not always early enough).
//
// So bm defines getenv: the C library's lookup, except that an unset variable of the list reads
// as bm's default. The executable's definition takes precedence over libc's for every library,
// as ELF symbol lookup starts at the executable. A value in the environment always wins. Go's
// os.Getenv and child processes are unaffected: only C code calls getenv.
//
// Some of TensorFlow's C++ (the MLIR line) logs through a private copy of Abseil, which
// ignores TF_CPP_MIN_LOG_LEVEL and can't be reached by name. It writes each record with one
// fwrite to stderr, in Abseil's format ("I1202 15:51:30.135471  24660 file.cc:401] ..."): bm's
// fwrite drops those records below the level (I = 0, W = 1, E = 2), and Abseil's "WARNING: All
// log messages before absl::InitializeLog() ..." line as an info record, and passes everything
// else to the C library's fwrite unchanged.

/*
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char **environ;

static int bm_tf_log;

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
			bm_tf_log = v;
		}
	}
}

__attribute__((section(".preinit_array"), used))
static void (*bm_scan_args_entry)(int, char **, char **) = bm_scan_args;

// getenv reads environ once (a setenv elsewhere may replace the array, not the entries it
// held); an empty name, as in glibc, matches nothing.
char *getenv(const char *name) {
	size_t n = strlen(name);
	if (n == 0) {
		return NULL;
	}
	char **env = __atomic_load_n(&environ, __ATOMIC_ACQUIRE);
	if (env != NULL) {
		for (char **e = env; *e != NULL; e++) {
			if (strncmp(*e, name, n) == 0 && (*e)[n] == '=') {
				return *e + n + 1;
			}
		}
	}
	if (!bm_tf_log && strcmp(name, "TF_CPP_MIN_LOG_LEVEL") == 0) {
		return "2";
	}
	if (strcmp(name, "GRPC_FAIL_FAST") == 0) {
		return "true";
	}
	return NULL;
}

// bm_log_level is the level below which TensorFlow's records are dropped: the environment's
// TF_CPP_MIN_LOG_LEVEL, else 2, or 0 with -tf-log (getenv gives all three).
static int bm_log_level(void) {
	const char *level = getenv("TF_CPP_MIN_LOG_LEVEL");
	if (level != NULL && level[0] >= '0' && level[0] <= '3' && level[1] == 0) {
		return level[0] - '0';
	}
	return 0;
}

// bm_abseil_severity is 0, 1 or 2 for an Abseil info, warning or error record, -1 otherwise;
// Abseil's preamble counts as info.
static int bm_abseil_severity(const char *s, size_t n) {
	static const char preamble[] = "WARNING: All log messages before absl::InitializeLog()";
	if (n >= sizeof preamble - 1 && memcmp(s, preamble, sizeof preamble - 1) == 0) {
		return 0;
	}
	if (n < 13 || s[5] != ' ' || s[8] != ':' || s[11] != ':') {
		return -1;
	}
	for (int i = 1; i <= 4; i++) {
		if (s[i] < '0' || s[i] > '9') {
			return -1;
		}
	}
	switch (s[0]) {
	case 'I': return 0;
	case 'W': return 1;
	case 'E': return 2;
	}
	return -1;
}

// _IO_fwrite is glibc's fwrite under its own exported name: what the C library's fwrite does.
extern size_t _IO_fwrite(const void *ptr, size_t size, size_t nmemb, FILE *stream);

size_t fwrite(const void *ptr, size_t size, size_t nmemb, FILE *stream) {
	if (stream == stderr && size > 0 && nmemb > 0) {
		int severity = bm_abseil_severity((const char *)ptr, size * nmemb);
		if (severity >= 0 && severity < bm_log_level()) {
			return nmemb;
		}
	}
	return _IO_fwrite(ptr, size, nmemb, stream);
}
*/
import "C"

import (
	"fmt"
	"strings"
	"unsafe"
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

// abseilSeverity is bm_abseil_severity for Go (tests): 0, 1 or 2 for an Abseil info, warning or
// error record, -1 for any other text.
func abseilSeverity(s string) int {
	cs := C.CString(s)
	defer C.free(unsafe.Pointer(cs))
	return int(C.bm_abseil_severity(cs, C.size_t(len(s))))
}
