#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan, instrumented
# libraries) into build/fuzz and runs each for a bounded time on a copy of
# its seed corpus (fuzz/corpus/<name>). Any crash, leak, sanitizer report or
# timeout fails the run and leaves the reproducer in build/fuzz/findings/.
#   fuzz/run.sh [SECONDS_PER_TARGET]     (default 20)
# Reproduce a finding: build/fuzz/fuzz/fuzz_<name> build/fuzz/findings/<file>
#
# The mutation seed comes from the commit (CAIRN_FUZZ_SEED overrides it), so
# a CI run is reproducible: `fuzz/run.sh 60` at the same commit walks the
# same inputs, further. Each commit still explores a different path.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-${CAIRN_FUZZ_SECONDS:-20}}
build="$root/build/fuzz"
flags="-fsanitize=address,undefined,fuzzer-no-link -fno-sanitize-recover=undefined -fno-omit-frame-pointer -g -O1"
flags="$flags -fsanitize-ignorelist=$root/fuzz/ubsan_ignorelist.txt"  # third-party headers; see the file
# Configured every time (quick when nothing changed) so a change of flags
# reaches an existing build directory.
CC=clang CXX=clang++ cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCAIRN_BUILD_FUZZERS=ON -DCAIRN_BUILD_TESTS=OFF -DCAIRN_BUILD_BENCH=OFF -DCAIRN_BUILD_UI=OFF \
  -DCMAKE_CXX_FLAGS="$flags" >/dev/null
if [ -n "${CAIRN_FUZZ_SEED:-}" ]; then
  seed=$CAIRN_FUZZ_SEED
elif head=$(git -C "$root" rev-parse --short=7 HEAD 2>/dev/null); then
  seed=$((16#$head))
else
  seed=0  # libFuzzer picks one
fi
echo "fuzz seed: $seed"
targets=(search_filter request_params auth_headers mlflow_api pipeline_spec tuning_spec)
cmake --build "$build" --target "${targets[@]/#/fuzz_}"
mkdir -p "$build/findings"
failed=0
for t in "${targets[@]}"; do
  corpus="$build/corpus/$t"
  rm -rf "$corpus"; mkdir -p "$corpus"
  cp "$root/fuzz/corpus/$t/"* "$corpus/" 2>/dev/null || true
  # -timeout: one input taking longer than this is a hang (a finding);
  # -rss_limit_mb bounds memory; -max_len keeps inputs spec-sized; a
  # fuzz/<target>.dict names the words the target's grammar knows.
  dict=()
  [ -f "$root/fuzz/$t.dict" ] && dict=(-dict="$root/fuzz/$t.dict")
  if ! "$build/fuzz/fuzz_$t" "$corpus" "${dict[@]}" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
       -max_len=65536 -seed="$seed" -artifact_prefix="$build/findings/$t-" -print_final_stats=1 >"$build/$t.log" 2>&1; then
    echo "fuzz_$t: FAILED (see $build/$t.log and $build/findings/)"; tail -n 40 "$build/$t.log"; failed=1
  else
    echo "fuzz_$t: ok ($(grep -o 'stat::number_of_executed_units: *[0-9]*' "$build/$t.log" | grep -o '[0-9]*$') inputs in ${seconds}s)"
  fi
done
exit $failed
