package tfenv

/*
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char **environ;

// boltzmann_tfenv_verbose, set to 1 before libtensorflow initialises, leaves TensorFlow's log
// level unset (its own default: every line shows).
int boltzmann_tfenv_verbose;

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
	if (!boltzmann_tfenv_verbose && strcmp(name, "TF_CPP_MIN_LOG_LEVEL") == 0) {
		return "2";
	}
	if (strcmp(name, "GRPC_FAIL_FAST") == 0) {
		return "true";
	}
	return NULL;
}

// tfenv_log_level is the level below which TensorFlow's records are dropped: the environment's
// TF_CPP_MIN_LOG_LEVEL, else 2, or 0 when verbose (getenv gives all three).
static int tfenv_log_level(void) {
	const char *level = getenv("TF_CPP_MIN_LOG_LEVEL");
	if (level != NULL && level[0] >= '0' && level[0] <= '3' && level[1] == 0) {
		return level[0] - '0';
	}
	return 0;
}

// tfenv_abseil_severity is 0, 1 or 2 for an Abseil info, warning or error record, -1 otherwise;
// Abseil's preamble counts as info.
static int tfenv_abseil_severity(const char *s, size_t n) {
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
		int severity = tfenv_abseil_severity((const char *)ptr, size * nmemb);
		if (severity >= 0 && severity < tfenv_log_level()) {
			return nmemb;
		}
	}
	return _IO_fwrite(ptr, size, nmemb, stream);
}
*/
import "C"

import "unsafe"

// abseilSeverity is tfenv_abseil_severity for Go (tests): 0, 1 or 2 for an Abseil info,
// warning or error record, -1 for any other text.
func abseilSeverity(s string) int {
	cs := C.CString(s)
	defer C.free(unsafe.Pointer(cs))
	return int(C.tfenv_abseil_severity(cs, C.size_t(len(s))))
}

// cGetenv is getenv as C code calls it (tests): "" for NULL.
func cGetenv(name string) string {
	cs := C.CString(name)
	defer C.free(unsafe.Pointer(cs))
	if v := C.getenv(cs); v != nil {
		return C.GoString(v)
	}
	return ""
}
