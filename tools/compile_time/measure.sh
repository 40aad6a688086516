#!/usr/bin/env bash
# Compile-time budget (issue 17): compiles each single-model TU with -O2
# (static dispatch, -march=native) and prints wall seconds (best of three:
# the machines are shared), ctnn's own share over the Highway-only TU
# (hwy_only.cpp: Highway's header alone costs 0.9-2.2 s depending on the
# machine), peak memory and stripped binary size. Then the one-TU kernels
# pattern (split/, ctnn/model_ref.hpp): model.cpp compiles the network and
# its kernels; app.cpp only calls it and must not parse Highway.
# Goals: s5_forward ≤ hwy_only + 0.5 s with g++-12; split/app ≤ 0.5 s.
# Usage: tools/compile_time/measure.sh [compiler...]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
compilers=("$@")
[ ${#compilers[@]} -gt 0 ] || compilers=(g++-12 clang++-16)

best_of_three() {  # prints "seconds peak_KiB" for the compile command "$@"
  local best=999 peak=0 secs kib
  for _ in 1 2 3; do
    /usr/bin/time -f '%e %M' -o "$out/time" "$@"
    read -r secs kib < "$out/time"
    best=$(awk -v a="$best" -v b="$secs" 'BEGIN { print (b < a) ? b : a }')
    peak=$kib
  done
  echo "$best $peak"
}

printf '%-14s %-20s %8s %9s %10s %12s\n' compiler tu seconds over_hwy peak_MiB stripped_B
for cxx in "${compilers[@]}"; do
  flags=(-std=c++20 -O2 -march=native -I"$root/include")
  read -r hwy _ < <(best_of_three "$cxx" "${flags[@]}" "$here/hwy_only.cpp" -o "$out/hwy_only")
  for src in "$here"/*.cpp; do
    name=$(basename "$src" .cpp)
    read -r secs kib < <(best_of_three "$cxx" "${flags[@]}" "$src" -o "$out/$name")
    strip -o "$out/$name.stripped" "$out/$name"
    printf '%-14s %-20s %8s %+9.2f %10d %12d\n' "$cxx" "$name" "$secs" "$(awk -v a="$secs" -v b="$hwy" 'BEGIN { print a - b }')" \
      $((kib / 1024)) "$(stat -c %s "$out/$name.stripped")"
  done
  for name in model app; do
    read -r secs kib < <(best_of_three "$cxx" "${flags[@]}" -c "$here/split/$name.cpp" -o "$out/$name.o")
    printf '%-14s %-20s %8s %+9.2f %10d %12s\n' "$cxx" "split/$name (-c)" "$secs" \
      "$(awk -v a="$secs" -v b="$hwy" 'BEGIN { print a - b }')" $((kib / 1024)) "-"
  done
  "$cxx" "$out/model.o" "$out/app.o" -o "$out/split"
  "$out/split" > /dev/null
  if "$cxx" "${flags[@]}" -M "$here/split/app.cpp" | grep -q 'hwy/'; then
    echo "split/app.cpp includes Highway: the one-TU pattern is broken" >&2
    exit 1
  fi
done
