#!/usr/bin/env bash
# Builds boltzmann-go's own TensorFlow kernels (tfops/kernels/*.cc) against the headers of the
# libtensorflow in TF_DIR into TF_DIR/kernels/libboltzmann_kernels.so, which tfops loads at run
# time (tfops.KernelsEnv). Rebuilds only when the sources change (a stamp of their SHA-256).
# Without a C++ compiler or TensorFlow's C++ headers (the official C tarball has none) it writes
# TF_DIR/kernels/SKIPPED with the reason and exits 0: the graphs then use standard ops, with the
# same results. Usage: scripts/build-kernels.sh TF_DIR
set -euo pipefail
tf_dir=${1:?usage: build-kernels.sh TF_DIR}
src_dir="$(cd "$(dirname "$0")/.." && pwd)/tfops/kernels"
out_dir="$tf_dir/kernels"
lib="$out_dir/libboltzmann_kernels.so"
mkdir -p "$out_dir"
sources=("$src_dir"/*.cc)
stamp=$(cat "${sources[@]}" | sha256sum | cut -d' ' -f1)
if [ -f "$lib" ] && [ "$(cat "$out_dir/STAMP" 2>/dev/null)" = "$stamp" ]; then
	exit 0
fi
skip() {
	echo "$1" > "$out_dir/SKIPPED"
	rm -f "$lib" "$out_dir/STAMP"
	echo "build-kernels: $1; the graphs use standard TensorFlow ops (same results, a little slower)" >&2
	exit 0
}
CXX=${CXX:-g++}
command -v "$CXX" >/dev/null || skip "no C++ compiler ($CXX)"
[ -f "$tf_dir/include/tensorflow/core/framework/op_kernel.h" ] || skip "no TensorFlow C++ headers in $tf_dir/include"
[ -e "$tf_dir/lib/libtensorflow_framework.so.2" ] || skip "no libtensorflow_framework.so.2 in $tf_dir/lib"
echo "build-kernels: compiling ${#sources[@]} kernel file(s) into $lib" >&2
tmp=$(mktemp "$out_dir/.lib.XXXXXX")
# -ffp-contract=off: no multiply-add contraction, so the kernels round as TensorFlow's own ops do.
if ! "$CXX" -std=c++17 -shared -fPIC -O3 -mavx2 -ffp-contract=off -D_GLIBCXX_USE_CXX11_ABI=1 \
	-DEIGEN_MAX_ALIGN_BYTES=64 -I"$tf_dir/include" "${sources[@]}" -o "$tmp" \
	-L"$tf_dir/lib" -l:libtensorflow_framework.so.2 -Wl,-rpath,"$tf_dir/lib" 2>"$out_dir/build.log"; then
	rm -f "$tmp"
	skip "the kernels did not compile (see $out_dir/build.log)"
fi
mv "$tmp" "$lib"
echo "$stamp" > "$out_dir/STAMP"
rm -f "$out_dir/SKIPPED"
