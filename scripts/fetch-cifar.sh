#!/usr/bin/env bash
# fetch-cifar.sh fetches the official CIFAR-10 binary version and unpacks its six batch files
# into a target directory (what bm dbm-cifar and bm dbm-cifar-naive read):
#
#   data_batch_1.bin … data_batch_5.bin  test_batch.bin
#
# Usage: scripts/fetch-cifar.sh [DATA_DIR]   (default: data; files go to DATA_DIR/cifar-10-batches-bin)
#
# The archive is checked against its pinned MD5 (the one the dataset's page publishes) and size
# before anything is unpacked; only the six batch files are taken from it, each checked for its
# size (10,000 records of 3,073 bytes). A copy of the archive you downloaded yourself, put at
# DATA_DIR/cifar-10-binary.tar.gz, is used instead of the network. When the files are already
# there, nothing is fetched. Environment overrides (for tests and mirrors): CIFAR_URL,
# CIFAR_MD5, CIFAR_SIZE, CIFAR_RECORDS.
set -euo pipefail

readonly DATA="${1:-data}"
readonly URL="${CIFAR_URL:-https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz}"
readonly MD5="${CIFAR_MD5:-c32a1d4ab5d03f1284b67883e8d87530}"
readonly SIZE="${CIFAR_SIZE:-170052171}"
readonly RECORDS="${CIFAR_RECORDS:-10000}"
readonly TARGET="$DATA/cifar-10-batches-bin"
readonly ARCHIVE="$DATA/cifar-10-binary.tar.gz"
readonly NAMES=(data_batch_1.bin data_batch_2.bin data_batch_3.bin data_batch_4.bin data_batch_5.bin test_batch.bin)

die() {
  echo "fetch-cifar: error: $*" >&2
  exit 1
}

all_present() {
  local n
  for n in "${NAMES[@]}"; do
    [[ -f "$TARGET/$n" && "$(stat -c %s "$TARGET/$n")" == "$((RECORDS * 3073))" ]] || return 1
  done
}

if all_present; then
  echo "fetch-cifar: the six CIFAR-10 batch files in $TARGET are present; nothing to do."
  exit 0
fi
mkdir -p "$DATA"
if [[ ! -f "$ARCHIVE" ]]; then
  echo "fetch-cifar: downloading $URL"
  if ! curl -fsSL --connect-timeout 20 --retry 2 -o "$ARCHIVE.part" "$URL"; then
    rm -f "$ARCHIVE.part"
    die "could not download $URL from this machine (no route to its host?).
Download it elsewhere (the \"CIFAR-10 binary version\", $SIZE bytes, MD5 $MD5),
put it at $ARCHIVE and run make data-cifar again."
  fi
  mv "$ARCHIVE.part" "$ARCHIVE"
fi
have_size="$(stat -c %s "$ARCHIVE")"
have_md5="$(md5sum "$ARCHIVE" | cut -d' ' -f1)"
if [[ "$have_size" != "$SIZE" || "$have_md5" != "$MD5" ]]; then
  die "$ARCHIVE has $have_size bytes and MD5 $have_md5; the CIFAR-10 binary version has $SIZE bytes and MD5 $MD5.
Remove it and run make data-cifar again (or download it again yourself)."
fi
tmp="$(mktemp -d "$DATA/.cifar-XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
members=()
for n in "${NAMES[@]}"; do members+=("cifar-10-batches-bin/$n"); done
tar -xzf "$ARCHIVE" -C "$tmp" "${members[@]}" || die "$ARCHIVE lacks the batch files ${NAMES[*]}"
mkdir -p "$TARGET"
for n in "${NAMES[@]}"; do
  f="$tmp/cifar-10-batches-bin/$n"
  [[ "$(stat -c %s "$f")" == "$((RECORDS * 3073))" ]] || die "$n in $ARCHIVE has $(stat -c %s "$f") bytes, want $((RECORDS * 3073))"
  mv "$f" "$TARGET/$n"
done
echo "fetch-cifar: wrote the six CIFAR-10 batch files into $TARGET"
