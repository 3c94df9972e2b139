#!/usr/bin/env bash
# Fuzzing with libFuzzer: builds the harnesses of fuzz/ with clang, every GeoINR library
# instrumented with AddressSanitizer + UndefinedBehaviorSanitizer (build-fuzz/), then runs each
# harness for --runs executions on its corpus. New coverage is merged into fuzz/corpus/<name>/
# (commit it); crashes go to fuzz/crashes/<name>/ (add each to the corpus once fixed: the replay
# tests then keep it fixed). Not part of CI (too long for 2 cores); see README "Robustness".
#
# Usage: scripts/fuzz.sh [--runs N] [--max-seconds S] [--build-only | --no-build] [harness ...]
#        (default: every harness, N = 1000000, no time limit)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${GEOINR_FUZZ_BUILD_DIR:-$root/build-fuzz}"
runs=1000000
build_only=0
no_build=0
max_seconds=0
harnesses=()
while [ $# -gt 0 ]; do
    case "$1" in
        --runs) runs="$2"; shift 2 ;;
        --build-only) build_only=1; shift ;;
        --no-build) no_build=1; shift ;;
        --max-seconds) max_seconds="$2"; shift 2 ;;
        *) harnesses+=("$1"); shift ;;
    esac
done
[ ${#harnesses[@]} -gt 0 ] || harnesses=(occurrence_csv virtual_raster checkpoint model_config cli_args gdal_driver)
if [ "$no_build" = 0 ]; then
"$root/scripts/install_deps.sh"
flags="-O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined -fsanitize=fuzzer-no-link"
CC=clang CXX=clang++ cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=None \
    -DCMAKE_CXX_FLAGS="$flags" -DGEOINR_FUZZ=ON -DGEOINR_BUILD_BENCHMARKS=OFF >/dev/null
targets=()
for h in "${harnesses[@]}"; do targets+=("fuzz_$h"); done
cmake --build "$build" -j2 --target "${targets[@]}"
fi
[ "$build_only" = 0 ] || exit 0

export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 GDAL_PAM_ENABLED=NO
export ASAN_OPTIONS="detect_leaks=0:allocator_may_return_null=1"
export UBSAN_OPTIONS="print_stacktrace=1"
for h in "${harnesses[@]}"; do
    corpus="$root/fuzz/corpus/$h"
    crashes="$root/fuzz/crashes/$h"
    work="$build/fuzz_work/$h"
    mkdir -p "$crashes" "$work"
    echo "== $h: $runs runs"
    # New inputs go to a work folder, then the merge keeps only those that add coverage.
    "$build/fuzz/fuzz_$h" "$work" "$corpus" -runs="$runs" -max_total_time="$max_seconds" \
        -max_len=4096 -timeout=20 \
        -rss_limit_mb=3072 -artifact_prefix="$crashes/" -print_final_stats=1 \
        2>"$build/fuzz_$h.log" || { tail -40 "$build/fuzz_$h.log"; echo "$h: crash, see $crashes"; }
    grep -E "stat::number_of_executed_units|cov:|stat::peak_rss" "$build/fuzz_$h.log" | tail -3
    "$build/fuzz/fuzz_$h" -merge=1 "$corpus" "$work" >/dev/null 2>&1 || true
done
