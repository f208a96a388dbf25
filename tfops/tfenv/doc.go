// Package tfenv quiets TensorFlow's start-up lines for any program that imports it:
//
//	import _ "github.com/boltzmann-go/boltzmann/tfops/tfenv"
//
// TensorFlow's C++ logs a few lines when it starts (oneDNN, CPU features, MLIR), the first of
// them while libtensorflow loads, before any Go code runs; setting TF_CPP_MIN_LOG_LEVEL with
// os.Setenv is then too late. This package gives TensorFlow's environment variables defaults at
// the C level instead, for the whole process:
//
//   - TF_CPP_MIN_LOG_LEVEL reads as 2 when unset: information and warnings are hidden, errors
//     and fatal errors still show.
//   - GRPC_FAIL_FAST reads as true when unset: a session on a cluster whose worker stops fails
//     at once instead of waiting, without end, for the worker to come back.
//
// A value in the environment always wins (TF_CPP_MIN_LOG_LEVEL=0 shows every line again), and
// Go's os.Getenv and child processes are unaffected: only C code reads the defaults.
//
// How: the package defines the C library's getenv, as the C library's lookup except that an
// unset variable of the list above reads as its default; the executable's definition takes
// precedence over libc's for every library, as ELF symbol lookup starts at the executable. Some
// of TensorFlow's C++ (the MLIR line) logs through a private copy of Abseil, which ignores
// TF_CPP_MIN_LOG_LEVEL and cannot be reached by name. It writes each record with one fwrite to
// stderr, in Abseil's format ("I1202 15:51:30.135471  24660 file.cc:401] ..."): the package's
// fwrite drops those records below the level (I = 0, W = 1, E = 2), and Abseil's "WARNING: All
// log messages before absl::InitializeLog() ..." line as an info record, and passes everything
// else to the C library's fwrite unchanged. Linux with glibc only.
//
// A program that wants a switch of its own (bm's -tf-log) sets the C variable
// boltzmann_tfenv_verbose to 1 before libtensorflow initialises, from a function in the
// executable's .preinit_array (see cmd/bm/tfenv.go): TF_CPP_MIN_LOG_LEVEL then reads as unset.
package tfenv
