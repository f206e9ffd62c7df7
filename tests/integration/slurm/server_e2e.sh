#!/usr/bin/env bash
# End to end as a user runs it: `cairn server --pipelines-executor slurm
# --tuning-executor slurm` against the cluster run.sh started; a pipeline and
# a tuning experiment submitted with the CLI, their tasks and trials placed
# as Slurm jobs, logs and results read back over REST.
#   server_e2e.sh CAIRN_BINARY      (SLURM_CONF set by run.sh)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cairn=${1:?usage: server_e2e.sh CAIRN_BINARY}
# shellcheck source=../../lib/cairn_server.sh
source "$here/../../lib/cairn_server.sh"
fail() { echo "FAIL: $*" >&2; [ -n "${CAIRN_WORKDIR:-}" ] && tail -n 30 "$CAIRN_WORKDIR/server.log" >&2; exit 1; }

start_cairn "$cairn" --pipelines-executor slurm --tuning-executor slurm
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
cat > "$CAIRN_WORKDIR/study.yaml" <<'YAML'
name: slurm-study
objective: {type: minimize, metric: loss}
algorithm: random
parallelTrials: 2
maxTrials: 4
parameters:
  x: {type: double, min: -2, max: 2}
command: 'echo "job=$SLURM_JOB_ID"; python3 -c "print(\"loss=%f\" % ((${x} - 0.5) ** 2))"'
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
  if (trials.length !== 4) bad("expected 4 trials, got " + trials.length);
  for (const t of trials) if (t.state !== "SUCCEEDED" || t.executor !== "slurm") bad(t.name + " " + t.state + " on " + t.executor);
' "$exp" || fail "tuning get: $exp"
echo "slurm server e2e: OK (pipeline run $run_id, tuning experiment $exp_id)"
