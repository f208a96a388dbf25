#!/bin/sh
# Entry point of the boltzmann-go GPU image: runs one of the project's programs (bm, tfinfo, ...)
# or any command, with TensorFlow's libraries on LD_LIBRARY_PATH (set by the image).
# With no arguments it runs `tfinfo -gpu 0`, which prints the TensorFlow version and the devices.
set -eu
if [ "$#" -eq 0 ]; then
  set -- tfinfo -gpu 0
fi
if ! command -v "$1" >/dev/null 2>&1; then
  echo "boltzmann-go: no program $1; the image has: $(ls /usr/local/bin | grep -v entrypoint | tr '\n' ' ')" >&2
  exit 127
fi
exec "$@"
