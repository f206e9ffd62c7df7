#!/usr/bin/env bash
# Two `cairn server` replicas sharing one PostgreSQL and one artifact store
# behind nginx (Debian's), as a team scales out. While pipelines run and
# log-batch traffic flows through the load balancer, one replica is killed
# with SIGKILL. Shown:
#   * no acknowledged write is lost: every log-batch answered 200 is in the
#     store afterwards;
#   * every pipeline run finishes SUCCEEDED: the runs the dead replica owned
#     are taken over by the survivor once their leases expire, and no task
#     of them runs twice; the same for a tuning study and its trials;
#   * a cancel sent to one replica reaches a run another replica drives.
#   run.sh CAIRN_BINARY
# Services: PostgreSQL (tests/infra/postgres.sh), nginx, 2 cairn processes,
# all on 127.0.0.1 in a temp dir, stopped by PID on exit.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cairn=$(realpath "${1:?usage: run.sh CAIRN_BINARY}")
infra="$here/../../infra"
# shellcheck source=../../lib/replicas.sh
source "$here/../../lib/replicas.sh"
replicas_test_init replicas
need curl; need node; need /usr/sbin/nginx; need psql

store_uri=$("$infra/postgres.sh" up "$pg_dir") || fail "PostgreSQL did not start"
sql() { psql "$store_uri" -XAtq -c "$1"; }

# --- the replicas, nginx in front -------------------------------------------------
replica() {  # name: a replica with 3 s leases (the takeover below waits for one)
  start_replica "$cairn" "$work" "$1" "$store_uri" --lease-seconds 3 --pipelines-parallelism 8 || fail "replica $1"
  local pid_var="PID_$1"
  pids+=("${!pid_var}")
}
replica r1
replica r2
start_nginx_lb "$work" "$PORT_r1" "$PORT_r2" || fail "nginx"
pids+=("$LB_PID")
lb=$LB_URL
export MLFLOW_TRACKING_URI=$lb

# --- pipelines through the load balancer -------------------------------------
# Three steps in a row; each step appends one line to a marks file, so a
# step run twice would show.
marks="$work/marks"; mkdir -p "$marks"
cat > "$work/steps.yaml" <<YAML
name: replica-steps
params:
  tag: {type: string, default: x}
steps:
  one:
    run: echo "one \${{ params.tag }}" >> $marks/\${{ params.tag }} && sleep 2
  two:
    needs: [one]
    run: echo "two \${{ params.tag }}" >> $marks/\${{ params.tag }} && sleep 2
  three:
    needs: [two]
    run: echo "three \${{ params.tag }}" >> $marks/\${{ params.tag }} && sleep 1
YAML
run_ids=()
for i in 1 2 3 4 5 6; do
  out=$("$cairn" pipelines run "$work/steps.yaml" --param "tag=p$i" 2>&1) || fail "submit $i: $out"
  id=$(printf '%s\n' "$out" | grep -oE '[0-9a-f]{32}' | head -1)
  [ -n "$id" ] || fail "no run id in: $out"
  run_ids+=("$id")
done
# A tuning study on r1 itself (the replica about to die): four trials one
# after another; each appends its x to a marks file, so a trial run twice
# would show.
cat > "$work/study.yaml" <<YAML
name: replica-study
objective: {type: minimize, metric: loss}
algorithm: random
parallelTrials: 1
maxTrials: 4
seed: 3
parameters:
  x: {type: double, min: -2, max: 2}
command: 'echo "\${x}" >> $marks/study && sleep 1.5 && echo "loss=\${x}"'
YAML
out=$(MLFLOW_TRACKING_URI="http://127.0.0.1:$PORT_r1" "$cairn" tune "$work/study.yaml" 2>&1) || fail "tune: $out"
study_id=$(curl -sf "$lb/api/2.0/cairn/tuning/experiments/list" |
  node -pe 'const e = JSON.parse(require("fs").readFileSync(0)).experiments.find((x) => x.name === "replica-study"); e ? e.experiment_id : ""')
[ -n "$study_id" ] || fail "the study is not listed: $out"
[ "$(sql "SELECT owner FROM tuning_experiments WHERE experiment_id = '$study_id'")" = r1 ] || fail "the study is not r1's"

owned_by_r1=$(sql "SELECT count(*) FROM pipeline_runs WHERE owner = 'r1'")
owned_by_r2=$(sql "SELECT count(*) FROM pipeline_runs WHERE owner = 'r2'")
echo "runs owned: r1=$owned_by_r1 r2=$owned_by_r2"
[ "$owned_by_r1" -ge 1 ] && [ "$owned_by_r2" -ge 1 ] || fail "round robin did not spread the runs: r1=$owned_by_r1 r2=$owned_by_r2"

# --- log-batch traffic ---------------------------------------------------------
exp_id=$(curl -sf -X POST "$lb/api/2.0/mlflow/experiments/create" -H 'Content-Type: application/json' \
  -d '{"name":"replicas"}' | node -pe 'JSON.parse(require("fs").readFileSync(0)).experiment_id') || fail "experiments/create"
writer() {  # run-name acked-file stop-file: log-batch until told to stop; record what was acknowledged
  local run_id step=0 code
  run_id=$(curl -sf -X POST "$lb/api/2.0/mlflow/runs/create" -H 'Content-Type: application/json' \
    -d "{\"experiment_id\":\"$exp_id\",\"run_name\":\"$1\"}" |
    node -pe 'JSON.parse(require("fs").readFileSync(0)).run.info.run_id')
  echo "$run_id" > "$2.run"
  while [ ! -e "$3" ]; do
    step=$((step + 1))
    code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$lb/api/2.0/mlflow/runs/log-batch" \
      -H 'Content-Type: application/json' \
      -d "{\"run_id\":\"$run_id\",\"metrics\":[{\"key\":\"load\",\"value\":$step,\"timestamp\":$step,\"step\":$step}],\"params\":[{\"key\":\"p$step\",\"value\":\"$step\"}]}") || code=000
    [ "$code" = 200 ] && echo "$step" >> "$2"
  done
}
stop_file="$work/stop-writers"
writer w1 "$work/acked-1" "$stop_file" & writer_1=$!
writer w2 "$work/acked-2" "$stop_file" & writer_2=$!
sleep 2

# --- the fault ----------------------------------------------------------------
unfinished_r1=$(sql "SELECT count(*) FROM pipeline_runs WHERE owner = 'r1' AND state NOT IN ('SUCCEEDED','FAILED','CANCELLED')")
echo "killing replica r1 (pid $PID_r1) while it drives $unfinished_r1 unfinished run(s)"
[ "$unfinished_r1" -ge 1 ] || fail "r1 had no unfinished run to lose"
kill -KILL "$PID_r1"
sleep 6
touch "$stop_file"
wait "$writer_1" "$writer_2"

# --- every acknowledged write is there --------------------------------------------
for n in 1 2; do
  run_id=$(cat "$work/acked-$n.run")
  acked=$(wc -l < "$work/acked-$n")
  [ "$acked" -ge 20 ] || fail "writer $n got only $acked acknowledged writes"
  history=$(curl -sf "$lb/api/2.0/mlflow/metrics/get-history?run_id=$run_id&metric_key=load&max_results=25000") ||
    fail "get-history $run_id"
  missing=$(node -e '
    const stored = new Set(JSON.parse(process.argv[1]).metrics.map((m) => m.step));
    const acked = require("fs").readFileSync(process.argv[2], "utf8").trim().split("\n").map(Number);
    console.log(acked.filter((s) => !stored.has(s)).join(" "));
  ' "$history" "$work/acked-$n")
  [ -z "$missing" ] || fail "writer $n: acknowledged steps missing from the store: $missing"
  stored_params=$(sql "SELECT count(*) FROM params WHERE run_uuid = '$run_id'")
  [ "$stored_params" -ge "$acked" ] || fail "writer $n: $acked acknowledged param writes, $stored_params stored"
  echo "writer $n: $acked acknowledged log-batch writes, all stored"
done

# --- every pipeline run finishes, each step exactly once -----------------------------
deadline=$((SECONDS + 120))
for id in "${run_ids[@]}"; do
  while true; do
    state=$(curl -sf "$lb/api/2.0/cairn/pipelines/runs/get?run_id=$id" | node -pe 'JSON.parse(require("fs").readFileSync(0)).run.state') || state=UNKNOWN
    case "$state" in SUCCEEDED) break ;; FAILED|CANCELLED) fail "run $id ended $state" ;; esac
    [ $SECONDS -lt $deadline ] || fail "run $id still $state after the takeover"
    sleep 0.5
  done
done
left_on_r1=$(sql "SELECT count(*) FROM pipeline_runs WHERE owner = 'r1'")
[ "$left_on_r1" = 0 ] || fail "$left_on_r1 run(s) still owned by the dead replica"
for i in 1 2 3 4 5 6; do
  lines=$(sort "$marks/p$i" | tr '\n' ' ')
  [ "$lines" = "one p$i three p$i two p$i " ] || fail "pipeline p$i ran its steps as: $lines"
done
grep -q "taking over" "$work/replica-r2.log" || fail "r2 did not log a takeover"
echo "all ${#run_ids[@]} pipeline runs SUCCEEDED; r1's runs were taken over by r2; each step ran once"

# --- the study finishes on r2 with four trials, each run once -------------------------
while true; do
  study=$(curl -sf "$lb/api/2.0/cairn/tuning/experiments/get?experiment_id=$study_id") || study='{}'
  state=$(printf '%s' "$study" | node -pe 'const r = JSON.parse(require("fs").readFileSync(0)); r.experiment ? r.experiment.state : "UNKNOWN"')
  case "$state" in SUCCEEDED) break ;; FAILED|STOPPED) fail "study ended $state: $study" ;; esac
  [ $SECONDS -lt $deadline ] || fail "study still $state after the takeover"
  sleep 0.5
done
node -e '
  const r = JSON.parse(process.argv[1]);
  const trials = r.trials || [];
  if (trials.length !== 4) { console.error("FAIL: " + trials.length + " trials"); process.exit(1); }
  for (const t of trials) if (t.state !== "SUCCEEDED") { console.error("FAIL: " + t.name + " " + t.state); process.exit(1); }
' "$study" || fail "study trials: $study"
[ "$(sql "SELECT owner FROM tuning_experiments WHERE experiment_id = '$study_id'")" = r2 ] || fail "the study was not taken over by r2"
[ "$(wc -l < "$marks/study")" = 4 ] || fail "trials ran $(wc -l < "$marks/study") times for 4 trials: $(cat "$marks/study")"
echo "the tuning study r1 drove finished on r2: 4 trials, each run once"

# --- a cancel through one replica reaches the run another drives ----------------------
replica r3
cat > "$work/long.yaml" <<'YAML'
name: replica-long
steps:
  wait:
    run: sleep 60
YAML
out=$(MLFLOW_TRACKING_URI="http://127.0.0.1:$PORT_r3" "$cairn" pipelines run "$work/long.yaml" 2>&1) || fail "submit long: $out"
long_id=$(printf '%s\n' "$out" | grep -oE '[0-9a-f]{32}' | head -1)
for _ in $(seq 1 100); do
  [ "$(sql "SELECT state FROM pipeline_tasks WHERE run_id = '$long_id' AND node_id = 'wait'")" = RUNNING ] && break
  sleep 0.1
done
curl -sf -X POST "http://127.0.0.1:$PORT_r2/api/2.0/cairn/pipelines/runs/cancel" -H 'Content-Type: application/json' \
  -d "{\"run_id\":\"$long_id\"}" >/dev/null || fail "cancel through r2"
for _ in $(seq 1 100); do
  state=$(sql "SELECT state FROM pipeline_runs WHERE run_id = '$long_id'")
  [ "$state" = CANCELLED ] && break
  sleep 0.1
done
[ "$state" = CANCELLED ] || fail "run driven by r3, cancelled through r2, is $state"
echo "a cancel through r2 stopped the run r3 drives"
echo "PASS"
