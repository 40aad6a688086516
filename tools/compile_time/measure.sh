#!/usr/bin/env bash
# Compile-time budget: compiles each single-model TU with g++ -O2 (static
# dispatch, -march=native) and prints wall seconds, peak memory and stripped
# binary size. Usage: tools/compile_time/measure.sh [compiler...]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
compilers=("$@")
[ ${#compilers[@]} -gt 0 ] || compilers=(g++-12 clang++-16)
printf '%-14s %-16s %8s %10s %12s\n' compiler tu seconds peak_MiB stripped_B
for cxx in "${compilers[@]}"; do
  for src in "$here"/*.cpp; do
    name=$(basename "$src" .cpp)
    best=999
    for _ in 1 2 3; do  # best of three: the machine is shared
      /usr/bin/time -f '%e %M' -o "$out/time" "$cxx" -std=c++20 -O2 -march=native -I"$root/include" "$src" -o "$out/$name"
      read -r secs kib < "$out/time"
      best=$(awk -v a="$best" -v b="$secs" 'BEGIN { print (b < a) ? b : a }')
    done
    strip -o "$out/$name.stripped" "$out/$name"
    printf '%-14s %-16s %8s %10d %12d\n' "$cxx" "$name" "$best" $((kib / 1024)) "$(stat -c %s "$out/$name.stripped")"
  done
done
