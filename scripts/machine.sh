#!/usr/bin/env bash
# Prints the machine a benchmark ran on: date, CPU model, cores, the SIMD extensions TensorFlow
# can use, memory and the load at the start — so that figures from different machines are not
# compared as if they were one.
set -euo pipefail
echo "date:   $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "cpu:    $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
echo "cores:  $(nproc)"
simd=$(grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' | grep -E '^(sse4_2|avx|avx2|fma|avx512f|avx512_vnni|avx512_bf16|amx_tile)$' | tr '\n' ' ')
echo "simd:   ${simd:-none of sse4_2 avx avx2 fma avx512f}"
echo "memory: $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
echo "load:   $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min; a shared machine's figures swing with it)"
