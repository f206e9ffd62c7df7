#!/usr/bin/env bash
# End to end as a user runs it: `cairn server --pipelines-executor slurm
# --tuning-executor slurm` against the cluster run.sh started; a pipeline and
# a tuning experiment submitted with the CLI, their tasks and trials placed
# as Slurm jobs, logs and results read back over REST. A ParallelFor's
# iterations and a round of parallel trials each become ONE job array
# (checked in the jobs' own environment and with squeue).
#   server_e2e.sh CAIRN_BINARY      (SLURM_CONF set by run.sh)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cairn=${1:?usage: server_e2e.sh CAIRN_BINARY}
# shellcheck source=../../lib/cairn_server.sh
source "$here/../../lib/cairn_server.sh"
fail() { echo "FAIL: $*" >&2; [ -n "${CAIRN_WORKDIR:-}" ] && tail -n 30 "$CAIRN_WORKDIR/server.log" >&2; exit 1; }

# One replica id for both lives of the server (the SIGKILL test below): the
# restarted server takes its own runs over at once instead of after a lease.
server_flags=(--pipelines-executor slurm --tuning-executor slurm --replica-id slurm-e2e)
start_cairn "$cairn" "${server_flags[@]}"
export MLFLOW_TRACKING_URI=$CAIRN_URL

cat > "$CAIRN_WORKDIR/train.yaml" <<'YAML'
name: slurm-e2e
params:
  epochs: {type: int, default: 2}
steps:
  prepare:
    run: echo "rows=100" && echo 100 > "${{ outputs.rows }}"
    outputs: {rows: int}
  train:
    run: echo "training on ${{ steps.prepare.outputs.rows }} rows for ${{ params.epochs }} epochs, job $SLURM_JOB_ID"
    resources: {cpu: "1", memory: 64Mi}
YAML

out=$("$cairn" pipelines run "$CAIRN_WORKDIR/train.yaml" --param epochs=3 --wait 2>&1) || fail "run did not succeed: $out"
run_id=$(printf '%s\n' "$out" | grep -oE '[0-9a-f]{32}' | head -1)
[ -n "$run_id" ] || fail "no run id in: $out"

get=$(curl -sf "$CAIRN_URL/api/2.0/cairn/pipelines/runs/get?run_id=$run_id")
node -e '
  const r = JSON.parse(process.argv[1]);
  const bad = (m) => { console.error("FAIL: " + m); process.exit(1); };
  if (r.run.state !== "SUCCEEDED") bad("run state " + r.run.state);
  const tasks = r.tasks.filter((t) => t.kind === "CONTAINER");
  if (tasks.length !== 2) bad("expected 2 container tasks, got " + tasks.length);
  for (const t of tasks) if (t.executor !== "slurm") bad(t.node_id + " ran on " + t.executor);
' "$get" || fail "runs/get: $get"

logs=$(curl -sf "$CAIRN_URL/api/2.0/cairn/pipelines/runs/logs?run_id=$run_id&task=train")
printf '%s' "$logs" | grep -q 'training on 100 rows for 3 epochs, job [0-9]' || fail "train logs: $logs"
# The number of elements squeue lists for array job $1 (one line each).
array_elements() { squeue --states=all --array --noheader --format=%i --jobs="$1" | grep -c "^$1_"; }

# A ParallelFor: its four iterations are ready together and go to Slurm as
# one array job; each still gets its own logs and outputs.
cat > "$CAIRN_WORKDIR/loop.yaml" <<'YAML'
name: slurm-loop
steps:
  shard:
    for_each: [1, 2, 3, 4]
    run: echo "array=$SLURM_ARRAY_JOB_ID element=$SLURM_ARRAY_TASK_ID item=${{ item }}" && echo $(( ${{ item }} * ${{ item }} )) > "${{ outputs.sq }}"
    outputs: {sq: int}
    resources: {memory: 32Mi}
YAML
out=$("$cairn" pipelines run "$CAIRN_WORKDIR/loop.yaml" --wait 2>&1) || fail "loop run did not succeed: $out"
loop_id=$(printf '%s\n' "$out" | grep -oE '[0-9a-f]{32}' | head -1)
get=$(curl -sf "$CAIRN_URL/api/2.0/cairn/pipelines/runs/get?run_id=$loop_id")
iterations=$(node -e '
  const r = JSON.parse(process.argv[1]);
  const bad = (m) => { console.error("FAIL: " + m); process.exit(1); };
  if (r.run.state !== "SUCCEEDED") bad("loop run state " + r.run.state);
  const loop = r.tasks.find((t) => t.node_id === "shard");
  const sq = loop && loop.outputs && loop.outputs.parameters && loop.outputs.parameters.sq;
  if (JSON.stringify(sq) !== "[1,4,9,16]") bad("loop outputs " + JSON.stringify(loop && loop.outputs));
  // Each iteration (shard[i]) runs the step as its container shard[i]/shard.
  const its = r.tasks.filter((t) => t.kind === "CONTAINER" && /^shard\[\d+\]\/shard$/.test(t.node_id));
  if (its.length !== 4) bad("expected 4 iterations, got " + its.length);
  for (const t of its) if (t.executor !== "slurm" || t.state !== "SUCCEEDED") bad(t.node_id + " " + t.state + " on " + t.executor);
  console.log(its.map((t) => t.node_id).join("\n"));
' "$get") || fail "loop runs/get: $get"
arrays=""; elements=""
for node in $iterations; do
  log=$(curl -sf -G "$CAIRN_URL/api/2.0/cairn/pipelines/runs/logs" --data-urlencode "run_id=$loop_id" --data-urlencode "task=$node")
  line=$(printf '%s' "$log" | grep -oE 'array=[0-9]+ element=[0-9]+ item=[0-9]+') || fail "$node logs: $log"
  arrays="$arrays ${line%% *}"; elements="$elements $(printf '%s' "$line" | cut -d' ' -f2)"
done
[ "$(printf '%s\n' $arrays | sort -u | wc -l)" = 1 ] || fail "the iterations ran in several jobs:$arrays"
[ "$(printf '%s\n' $elements | sort -u | tr '\n' ' ')" = "element=0 element=1 element=2 element=3 " ] || fail "elements:$elements"
loop_array=$(printf '%s\n' $arrays | head -1 | cut -d= -f2)
[ "$(array_elements "$loop_array")" = 4 ] || fail "squeue does not list array $loop_array with 4 elements"
squeue --states=all --noheader --format=%j --jobs="$loop_array" | grep -q '^cairn-a-' || fail "array $loop_array is not cairn's"

# SIGKILL the server while a ParallelFor's array runs; the restarted server
# (same data directory) adopts the array's elements: every item runs exactly
# once, in the one array, and the run succeeds.
ran="$CAIRN_WORKDIR/ran"
cat > "$CAIRN_WORKDIR/crash.yaml" <<YAML
name: slurm-crash
steps:
  shard:
    for_each: [1, 2, 3, 4]
    run: echo "\${{ item }} \$SLURM_ARRAY_JOB_ID" >> $ran && sleep 4 && echo "\${{ item }}" > "\${{ outputs.out }}"
    outputs: {out: int}
YAML
out=$("$cairn" pipelines run "$CAIRN_WORKDIR/crash.yaml" 2>&1) || fail "crash run not submitted: $out"
crash_id=$(printf '%s\n' "$out" | grep -oE '[0-9a-f]{32}' | head -1)
# Killed as soon as one element runs: the others may still be pending.
for _ in $(seq 300); do [ -s "$ran" ] && break; sleep 0.1; done
[ -s "$ran" ] || fail "the crash run's iterations did not start"
kill -KILL "$CAIRN_PID"; wait "$CAIRN_PID" 2>/dev/null || true
(cd "$CAIRN_WORKDIR" && exec "$cairn" server --port 0 "${server_flags[@]}") >"$CAIRN_WORKDIR/server2.log" 2>&1 &
CAIRN_PID=$!
for _ in $(seq 200); do grep -q "listening on" "$CAIRN_WORKDIR/server2.log" 2>/dev/null && break; sleep 0.05; done
CAIRN_URL=$(grep -o 'http://[0-9.]*:[0-9]*' "$CAIRN_WORKDIR/server2.log" | head -1)
[ -n "$CAIRN_URL" ] || fail "the server did not restart: $(cat "$CAIRN_WORKDIR/server2.log")"
export MLFLOW_TRACKING_URI=$CAIRN_URL
state=""
for _ in $(seq 600); do
  state=$(curl -sf "$CAIRN_URL/api/2.0/cairn/pipelines/runs/get?run_id=$crash_id" | node -e '
    let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => process.stdout.write(JSON.parse(s).run.state));')
  case "$state" in SUCCEEDED|FAILED|CANCELLED) break;; esac
  sleep 0.1
done
[ "$state" = SUCCEEDED ] || fail "the crash run ended $state after the restart"
grep -q "resuming pipeline run $crash_id" "$CAIRN_WORKDIR/server2.log" || fail "the restarted server did not resume $crash_id"
get=$(curl -sf "$CAIRN_URL/api/2.0/cairn/pipelines/runs/get?run_id=$crash_id")
node -e '
  const its = JSON.parse(process.argv[1]).tasks.filter((t) => t.kind === "CONTAINER");
  if (its.length !== 4) { console.error("FAIL: " + its.length + " containers"); process.exit(1); }
  for (const t of its) if (t.attempt !== 1 || t.state !== "SUCCEEDED") {
    console.error("FAIL: " + t.node_id + " attempt " + t.attempt + " " + t.state); process.exit(1);
  }
' "$get" || fail "crash run tasks: $get"
[ "$(sort "$ran" | tr '\n' ' ')" = "$(sort "$ran" | head -1 | cut -d' ' -f2 | sed 's/.*/1 & 2 & 3 & 4 & /')" ] ||
  fail "after SIGKILL each item must run once, in one array: $(cat "$ran")"

cat > "$CAIRN_WORKDIR/study.yaml" <<'YAML'
name: slurm-study
objective: {type: minimize, metric: loss}
algorithm: random
parallelTrials: 3
maxTrials: 6
parameters:
  x: {type: double, min: -2, max: 2}
command: 'echo "job=$SLURM_JOB_ID array=$SLURM_ARRAY_JOB_ID"; python3 -c "print(\"loss=%f\" % ((${x} - 0.5) ** 2))"'
YAML
tune=$("$cairn" tune "$CAIRN_WORKDIR/study.yaml" --wait 2>&1) || fail "tuning did not succeed: $tune"
exp_id=$(curl -sf "$CAIRN_URL/api/2.0/cairn/tuning/experiments/list" | node -e '
  let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
    const e = JSON.parse(s).experiments.find((x) => x.name === "slurm-study");
    process.stdout.write(e ? e.experiment_id : "");
  });')
[ -n "$exp_id" ] || fail "experiment not listed: $tune"
exp=$(curl -sf "$CAIRN_URL/api/2.0/cairn/tuning/experiments/get?experiment_id=$exp_id")
node -e '
  const r = JSON.parse(process.argv[1]);
  const bad = (m) => { console.error("FAIL: " + m); process.exit(1); };
  const e = r.experiment;
  if (e.state !== "SUCCEEDED") bad("experiment state " + e.state);
  const trials = r.trials || [];
  if (trials.length !== 6) bad("expected 6 trials, got " + trials.length);
  for (const t of trials) if (t.state !== "SUCCEEDED" || t.executor !== "slurm") bad(t.name + " " + t.state + " on " + t.executor);
' "$exp" || fail "tuning get: $exp"
# The first round (parallelTrials 3) is one array job of three elements.
first=$(curl -sf -G "$CAIRN_URL/api/2.0/cairn/tuning/trials/logs" --data-urlencode "experiment_id=$exp_id" \
  --data-urlencode "trial=slurm-study-0001")
trial_array=$(printf '%s' "$first" | grep -oE 'array=[0-9]+' | head -1 | cut -d= -f2)
[ -n "$trial_array" ] || fail "trial 1 did not run in an array job: $first"
[ "$(array_elements "$trial_array")" = 3 ] || fail "squeue does not list trial array $trial_array with 3 elements"
for n in 0002 0003; do
  curl -sf -G "$CAIRN_URL/api/2.0/cairn/tuning/trials/logs" --data-urlencode "experiment_id=$exp_id" \
    --data-urlencode "trial=slurm-study-$n" | grep -q "array=$trial_array" || fail "trial $n is not in array $trial_array"
done
echo "slurm server e2e: OK (pipeline run $run_id, loop run $loop_id as array $loop_array, tuning experiment $exp_id with array $trial_array)"
