#!/usr/bin/env bash
# tf-deps.sh provisions libtensorflow (the C API) for the Go bindings from the PyPI wheel
# tensorflow-cpu, into a cache outside the clone, and checks what it installed.
#
# Usage: scripts/tf-deps.sh TF_DIR
#
# TF_DIR gets:
#   venv/                 a virtualenv with tensorflow-cpu 2.18.x (also used by the interop tests)
#   lib/                  libtensorflow_cc.so.2, libtensorflow_framework.so.2 (links into the wheel),
#                         libtensorflow.so -> libtensorflow_cc.so.2 (for the bindings' -ltensorflow)
#   include/              the C headers (tensorflow/c/c_api.h, ...)
#   VERSION               the installed TensorFlow version, written last: its presence marks a good install
#
# A TF_DIR that already holds lib/libtensorflow.so and include/tensorflow/c/c_api.h but no venv/
# (for example the official libtensorflow C tarball unpacked by a user) is only checked, never changed.
# Idempotent: with VERSION present and the files in place it returns in well under a second.
set -euo pipefail

TF_DIR=${1:?usage: tf-deps.sh TF_DIR}
TF_SERIES=${TF_SERIES:-2.18}
PYTHON=${PYTHON:-python3}
here=$(cd "$(dirname "$0")" && pwd)
symbols="$here/tf-c-symbols.txt"

die() { echo "tf-deps: $*" >&2; exit 1; }
say() { echo "tf-deps: $*"; }

installed_ok() {
  [ -f "$TF_DIR/VERSION" ] && [ -e "$TF_DIR/lib/libtensorflow.so" ] &&
    [ -e "$TF_DIR/lib/libtensorflow_framework.so.2" ] && [ -f "$TF_DIR/include/tensorflow/c/c_api.h" ]
}

check_symbols() {
  local lib=$1 missing
  command -v nm >/dev/null || die "nm not found (install binutils)"
  missing=$(nm -D --defined-only "$lib" | awk '{print $3}' | sed 's/@.*//' | sort -u |
    grep -vxF -f - "$symbols" || true)
  if [ -n "$missing" ]; then
    die "$lib lacks $(echo "$missing" | wc -l) of the $(wc -l <"$symbols") C API symbols the Go bindings need: $(echo $missing | head -c 400)"
  fi
  say "$(basename "$(readlink -f "$lib")"): all $(wc -l <"$symbols") C API symbols the Go bindings need are exported"
}

if installed_ok; then
  say "TensorFlow $(cat "$TF_DIR/VERSION") already in $TF_DIR (nothing to do)"
  exit 0
fi

# A user-provided libtensorflow (e.g. the official C tarball): check only.
if [ ! -d "$TF_DIR/venv" ] && [ -e "$TF_DIR/lib/libtensorflow.so" ] && [ -f "$TF_DIR/include/tensorflow/c/c_api.h" ]; then
  say "using the libtensorflow already in $TF_DIR (not installed by this script)"
  check_symbols "$TF_DIR/lib/libtensorflow.so"
  exit 0
fi

start=$(date +%s)
mkdir -p "$TF_DIR"
if [ ! -x "$TF_DIR/venv/bin/python" ]; then
  say "creating a virtualenv in $TF_DIR/venv"
  "$PYTHON" -m venv "$TF_DIR/venv" || die "python3 -m venv failed (Debian: apt-get install python3-venv)"
fi
say "installing tensorflow-cpu~=$TF_SERIES.0 (the newest $TF_SERIES.x patch) from PyPI"
"$TF_DIR/venv/bin/python" -m pip install --quiet --disable-pip-version-check "tensorflow-cpu~=$TF_SERIES.0" ||
  die "pip could not install tensorflow-cpu~=$TF_SERIES.0"

site=$("$TF_DIR/venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
wheel="$site/tensorflow"
version=$("$TF_DIR/venv/bin/python" -c 'import importlib.metadata as m; print(m.version("tensorflow-cpu"))')
[ -f "$wheel/libtensorflow_cc.so.2" ] || die "the tensorflow-cpu $version wheel has no libtensorflow_cc.so.2 in $wheel"
[ -f "$wheel/libtensorflow_framework.so.2" ] || die "the tensorflow-cpu $version wheel has no libtensorflow_framework.so.2 in $wheel"

rm -rf "$TF_DIR/lib.tmp" && mkdir -p "$TF_DIR/lib.tmp"
ln -s "$wheel/libtensorflow_cc.so.2" "$TF_DIR/lib.tmp/libtensorflow_cc.so.2"
ln -s "$wheel/libtensorflow_framework.so.2" "$TF_DIR/lib.tmp/libtensorflow_framework.so.2"
ln -s libtensorflow_cc.so.2 "$TF_DIR/lib.tmp/libtensorflow.so"
ln -s libtensorflow_framework.so.2 "$TF_DIR/lib.tmp/libtensorflow_framework.so"
rm -rf "$TF_DIR/lib" && mv "$TF_DIR/lib.tmp" "$TF_DIR/lib"

rm -rf "$TF_DIR/include"
if [ -f "$wheel/include/tensorflow/c/c_api.h" ]; then
  ln -s "$wheel/include" "$TF_DIR/include"
else
  # Fallback: the C headers of the TensorFlow source module the Go proxy serves.
  say "the wheel has no tensorflow/c/c_api.h; taking the C headers from github.com/tensorflow/tensorflow@v2.9.1+incompatible"
  src=$(cd "$here/.." && go mod download -json github.com/tensorflow/tensorflow@v2.9.1+incompatible |
    sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
  [ -d "$src/tensorflow/c" ] || die "could not get the TensorFlow C headers from the Go module proxy"
  mkdir -p "$TF_DIR/include/tensorflow"
  (cd "$src" && find tensorflow/c -name '*.h' -exec cp --parents {} "$TF_DIR/include/" \;)
fi

check_symbols "$TF_DIR/lib/libtensorflow_cc.so.2"

# Last check: a Go program linked against the library prints TF_Version().
say "building and running cmd/tfinfo against it"
got=$(cd "$here/.." && CGO_CFLAGS="-I$TF_DIR/include" \
  CGO_LDFLAGS="-L$TF_DIR/lib -Wl,-rpath,$TF_DIR/lib -Wl,-rpath-link,$TF_DIR/lib" \
  LD_LIBRARY_PATH="$TF_DIR/lib" TF_CPP_MIN_LOG_LEVEL=3 go run ./cmd/tfinfo -version) ||
  die "a Go program could not be built or run against $TF_DIR/lib"
say "Go bindings report TF_Version() = $got"
[ "$got" = "$version" ] || die "TF_Version() is $got, the wheel is $version"
echo "$version" >"$TF_DIR/VERSION"
say "TensorFlow $version installed in $TF_DIR in $(($(date +%s) - start)) s"
