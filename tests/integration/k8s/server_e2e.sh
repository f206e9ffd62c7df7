#!/usr/bin/env bash
# End to end as a user runs it: `cairn server --pipelines-executor kubernetes
# --tuning-executor kubernetes` against the API server run.sh started;
# pipelines (success, a failing step, the KFP GPU fixture's placement,
# Secret/ConfigMap volumes and env, an image that cannot be pulled, cancel)
# and a tuning study submitted with the CLI, each task and trial a batch/v1
# Job, pods finished by fake_kubelet.mjs (exit code and pushed
# metric from the step's own command), results read back over REST and from
# the API.
#   server_e2e.sh CAIRN_BINARY      (KUBECONFIG set by run.sh)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cairn=${1:?usage: server_e2e.sh CAIRN_BINARY}
# shellcheck source=../../lib/cairn_server.sh
source "$here/../../lib/cairn_server.sh"
fail() { echo "FAIL: $*" >&2; [ -n "${CAIRN_WORKDIR:-}" ] && tail -n 30 "$CAIRN_WORKDIR/server.log" >&2; exit 1; }
server=$(sed -n 's/.*server: "\([^"]*\)".*/\1/p' "$KUBECONFIG")
token=$(sed -n 's/.*token: "\([^"]*\)".*/\1/p' "$KUBECONFIG")
kapi() { curl -skf -H "Authorization: Bearer $token" "$server$1"; }

# A kubeconfig the server cannot use stops it at start with the reason.
scratch=$(mktemp -d); echo "clusters: [" > "$scratch/bad-kubeconfig"
if out=$(cd "$scratch" && timeout 30 "$cairn" server --port 0 --pipelines-executor kubernetes \
           --kubeconfig "$scratch/bad-kubeconfig" 2>&1); then
  fail "server started with a malformed kubeconfig"
fi
rm -rf "$scratch"
printf '%s' "$out" | grep -q "kubernetes executor cannot load its cluster configuration" || fail "start error: $out"

start_cairn "$cairn" --pipelines-executor kubernetes --tuning-executor kubernetes --kubeconfig "$KUBECONFIG" \
  --kubernetes-default-image busybox:1.36 --pipelines-task-timeout 120 --kubernetes-image-pull-grace 2
node "$here/fake_kubelet.mjs" "$KUBECONFIG" > "$CAIRN_WORKDIR/kubelet.log" 2>&1 &
kubelet_pid=$!
trap 'kill $kubelet_pid 2>/dev/null || true; stop_cairn' EXIT
export MLFLOW_TRACKING_URI=$CAIRN_URL

# run_state RUN_ID: the run's state from runs/get.
run_state() { curl -sf "$CAIRN_URL/api/2.0/cairn/pipelines/runs/get?run_id=$1" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).run.state))'; }

# 1. Two steps in order, with resources: both become Jobs and succeed.
cat > "$CAIRN_WORKDIR/ok.yaml" <<'YAML'
name: k8s-e2e
steps:
  prepare:
    run: echo preparing
    resources: {cpu: "1", memory: 64Mi}
  train:
    needs: prepare
    image: python:3.11
    run: echo training
YAML
out=$("$cairn" pipelines run "$CAIRN_WORKDIR/ok.yaml" --wait 2>&1) || fail "run did not succeed: $out"
run_id=$(printf '%s\n' "$out" | grep -oE '[0-9a-f]{32}' | head -1)
[ -n "$run_id" ] || fail "no run id in: $out"
get=$(curl -sf "$CAIRN_URL/api/2.0/cairn/pipelines/runs/get?run_id=$run_id")
node -e '
  const r = JSON.parse(process.argv[1]);
  const bad = (m) => { console.error("FAIL: " + m); process.exit(1); };
  if (r.run.state !== "SUCCEEDED") bad("run state " + r.run.state);
  const tasks = r.tasks.filter((t) => t.kind === "CONTAINER");
  if (tasks.length !== 2) bad("expected 2 container tasks, got " + tasks.length);
  for (const t of tasks) if (t.executor !== "kubernetes") bad(t.node_id + " ran on " + t.executor);
' "$get" || fail "runs/get: $get"
jobs=$(kapi "/apis/batch/v1/namespaces/default/jobs?labelSelector=app.kubernetes.io%2Fmanaged-by%3Dcairn")
node -e '
  const jobs = JSON.parse(process.argv[1]).items;
  const bad = (m) => { console.error("FAIL: " + m); process.exit(1); };
  const mine = jobs.filter((j) => j.metadata.annotations["cairn.dev/attempt-key"].startsWith(process.argv[2] + "/"));
  if (mine.length !== 2) bad("expected 2 Jobs of the run, got " + mine.length);
  for (const j of mine) {
    if (j.spec.backoffLimit !== 0) bad("backoffLimit " + j.spec.backoffLimit);
    if (!j.status.conditions?.some((c) => c.type === "Complete" && c.status === "True")) bad(j.metadata.name + " not Complete");
  }
  const images = mine.map((j) => j.spec.template.spec.containers[0].image).sort().join(",");
  if (images !== "busybox:1.36,python:3.11") bad("images " + images);
  const prep = mine.find((j) => j.spec.template.spec.containers[0].image === "busybox:1.36");
  const res = prep.spec.template.spec.containers[0].resources;
  if (res.limits?.cpu !== "1" || res.limits?.memory !== "64Mi") bad("resources " + JSON.stringify(res));
  const env = Object.fromEntries(prep.spec.template.spec.containers[0].env.map((e) => [e.name, e.value]));
  if (env.CAIRN_PIPELINE_RUN_ID !== process.argv[2]) bad("env " + JSON.stringify(env));
' "$jobs" "$run_id" || fail "Jobs: $jobs"

# 2. A step whose container exits 2 fails the run with that exit status.
cat > "$CAIRN_WORKDIR/fail.yaml" <<'YAML'
name: k8s-e2e-fail
steps:
  broken:
    run: echo CAIRN_FAKE_EXIT=2; exit 2
YAML
out=$("$cairn" pipelines run "$CAIRN_WORKDIR/fail.yaml" --wait 2>&1) && fail "a failing step succeeded: $out"
run_id=$(printf '%s\n' "$out" | grep -oE '[0-9a-f]{32}' | head -1)
get=$(curl -sf "$CAIRN_URL/api/2.0/cairn/pipelines/runs/get?run_id=$run_id")
printf '%s' "$get" | grep -q '"state":"FAILED"' || fail "runs/get of the failing run: $get"
printf '%s' "$get" | grep -q 'exit status 2' || fail "no exit status in: $get"

# 3. The KFP GPU fixture: its accelerator and toleration (PlatformSpec) reach the Job.
out=$("$cairn" pipelines run "$here/../../data/kfp/nvidia_gpu_scheduling_check.yaml" --wait 2>&1) || fail "GPU run: $out"
jobs=$(kapi "/apis/batch/v1/namespaces/default/jobs?labelSelector=app.kubernetes.io%2Fmanaged-by%3Dcairn")
node -e '
  const jobs = JSON.parse(process.argv[1]).items;
  const gpu = jobs.find((j) => j.spec.template.spec.containers[0].image === "python:3.11" &&
                               j.spec.template.spec.tolerations);
  if (!gpu) { console.error("FAIL: no Job with tolerations"); process.exit(1); }
  const spec = gpu.spec.template.spec;
  if (spec.containers[0].resources.limits["nvidia.com/gpu"] !== "1") { console.error("FAIL: gpu limit"); process.exit(1); }
  if (spec.tolerations[0].key !== "nvidia.com/gpu" || spec.tolerations[0].operator !== "Exists") {
    console.error("FAIL: toleration " + JSON.stringify(spec.tolerations)); process.exit(1);
  }
' "$jobs" || fail "GPU Job: $jobs"

# 4. kfp-kubernetes secretAsVolume, configMapAsVolume (its name a pipeline
# parameter), configMapAsEnv and fieldPathAsEnv reach the Job's pod spec.
out=$("$cairn" pipelines run "$here/../../data/k8s/pipeline_with_volumes_and_env.yaml" -p settings_name=team-settings \
      --wait 2>&1) || fail "volumes run: $out"
run_id=$(printf '%s\n' "$out" | grep -oE '[0-9a-f]{32}' | head -1)
jobs=$(kapi "/apis/batch/v1/namespaces/default/jobs?labelSelector=app.kubernetes.io%2Fmanaged-by%3Dcairn")
node -e '
  const bad = (m) => { console.error("FAIL: " + m); process.exit(1); };
  const job = JSON.parse(process.argv[1]).items.find((j) =>
    j.metadata.annotations["cairn.dev/attempt-key"].startsWith(process.argv[2] + "/"));
  if (!job) bad("no Job of the run");
  const spec = job.spec.template.spec;
  const vols = Object.fromEntries(spec.volumes.map((v) => [v.name, v]));
  const mounts = Object.fromEntries(spec.containers[0].volumeMounts.map((m) => [m.mountPath, vols[m.name]]));
  if (mounts["/etc/creds"]?.secret?.secretName !== "model-creds" || mounts["/etc/creds"].secret.optional !== false) {
    bad("secret volume " + JSON.stringify(mounts["/etc/creds"]));
  }
  const settings = mounts["/etc/settings"]?.configMap;
  if (settings?.name !== "team-settings" || settings.optional !== true) {
    bad("configMap volume " + JSON.stringify(mounts["/etc/settings"]));
  }
  const env = Object.fromEntries(spec.containers[0].env.map((e) => [e.name, e.valueFrom ?? e.value]));
  const ref = (v) => JSON.stringify(v?.configMapKeyRef);
  for (const [name, key] of [["RUN_MODE", "mode"], ["LOG_LEVEL", "level"]]) {
    if (ref(env[name]) !== JSON.stringify({ name: "cairn-settings", key })) bad(name + " " + ref(env[name]));
  }
  if (env.POD_NAME?.fieldRef?.fieldPath !== "metadata.name") bad("POD_NAME " + JSON.stringify(env.POD_NAME));
  if (env.NODE?.fieldRef?.fieldPath !== "spec.nodeName") bad("NODE " + JSON.stringify(env.NODE));
' "$jobs" "$run_id" || fail "volumes Job: $jobs"

# 5. An image that cannot be pulled fails its attempt after
# --kubernetes-image-pull-grace (2 s here), not the 120 s task timeout; the
# retry and the `always:` step run as after any failure.
cat > "$CAIRN_WORKDIR/bad-image.yaml" <<'YAML'
name: k8s-e2e-bad-image
steps:
  pull:
    image: registry.invalid/cairn/no-such-image:1
    run: echo never runs
    retries: 1
  cleanup:
    needs: pull
    always: true
    run: echo cleaning up
YAML
started=$(date +%s)
out=$("$cairn" pipelines run "$CAIRN_WORKDIR/bad-image.yaml" --wait 2>&1) &&
  fail "a run with a missing image succeeded: $out"
elapsed=$(( $(date +%s) - started ))
[ "$elapsed" -lt 60 ] || fail "the missing image took ${elapsed}s to fail (timeout 120 s)"
run_id=$(printf '%s\n' "$out" | grep -oE '[0-9a-f]{32}' | head -1)
get=$(curl -sf "$CAIRN_URL/api/2.0/cairn/pipelines/runs/get?run_id=$run_id")
node -e '
  const r = JSON.parse(process.argv[1]);
  const bad = (m) => { console.error("FAIL: " + m); process.exit(1); };
  if (r.run.state !== "FAILED") bad("run state " + r.run.state);
  const pull = r.tasks.find((t) => t.task_key.endsWith("pull"));
  const cleanup = r.tasks.find((t) => t.task_key.endsWith("cleanup"));
  if (pull?.state !== "FAILED") bad("pull " + JSON.stringify(pull));
  if (!pull.error.includes("ErrImagePull") || !pull.error.includes("registry.invalid/cairn/no-such-image:1")) {
    bad("pull error " + pull.error);
  }
  if (pull.attempt < 2) bad("the retry did not run: attempt " + pull.attempt);
  if (cleanup?.state !== "SUCCEEDED") bad("cleanup " + JSON.stringify(cleanup));
' "$get" || fail "bad-image runs/get: $get"
echo "server_e2e: missing image failed after ${elapsed}s"

# 6. Cancel: a step the fake kubelet never finishes; cancelling deletes its Job.
cat > "$CAIRN_WORKDIR/hold.yaml" <<'YAML'
name: k8s-e2e-cancel
steps:
  forever:
    run: echo CAIRN_FAKE_HOLD; sleep 3600
YAML
out=$("$cairn" pipelines run "$CAIRN_WORKDIR/hold.yaml" 2>&1) || fail "submit: $out"
run_id=$(printf '%s\n' "$out" | grep -oE '[0-9a-f]{32}' | head -1)
job=
for _ in $(seq 100); do
  job=$(kapi "/apis/batch/v1/namespaces/default/jobs?labelSelector=app.kubernetes.io%2Fmanaged-by%3Dcairn" |
        node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const j=JSON.parse(s).items.find(j=>j.metadata.annotations["cairn.dev/attempt-key"].startsWith(process.argv[1]+"/"));console.log(j?j.metadata.name:"")})' "$run_id")
  [ -n "$job" ] && break; sleep 0.2
done
[ -n "$job" ] || fail "no Job for the held step"
"$cairn" pipelines cancel "$run_id" >/dev/null 2>&1 || fail "cancel"
for _ in $(seq 150); do [ "$(run_state "$run_id")" = CANCELLED ] && break; sleep 0.2; done
[ "$(run_state "$run_id")" = CANCELLED ] || fail "run state after cancel: $(run_state "$run_id")"
kapi "/apis/batch/v1/namespaces/default/jobs/$job" >/dev/null 2>&1 && fail "Job $job still exists after cancel"

# 7. Tuning: `--tuning-executor kubernetes`, every trial a Job; the trials
# push their objective to their MLflow run (Push collector), which the fake
# kubelet does for them from the command the trial renders.
cat > "$CAIRN_WORKDIR/study.yaml" <<'YAML'
name: k8s-study
objective: {type: minimize, metric: loss}
algorithm: random
parallelTrials: 2
maxTrials: 4
parameters:
  x: {type: double, min: 0, max: 1}
command: 'echo CAIRN_FAKE_PUSH_METRIC loss=${x}'
metrics: {collector: Push}
YAML
tune=$("$cairn" tune "$CAIRN_WORKDIR/study.yaml" --wait 2>&1) || fail "tuning did not succeed: $tune"
exp_id=$(curl -sf "$CAIRN_URL/api/2.0/cairn/tuning/experiments/list" | node -e '
  let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
    const e = JSON.parse(s).experiments.find((x) => x.name === "k8s-study");
    process.stdout.write(e ? e.experiment_id : "");
  });')
[ -n "$exp_id" ] || fail "experiment not listed: $tune"
exp=$(curl -sf "$CAIRN_URL/api/2.0/cairn/tuning/experiments/get?experiment_id=$exp_id")
node -e '
  const r = JSON.parse(process.argv[1]);
  const bad = (m) => { console.error("FAIL: " + m); process.exit(1); };
  if (r.experiment.state !== "SUCCEEDED") bad("experiment state " + r.experiment.state);
  const trials = r.trials || [];
  if (trials.length !== 4) bad("expected 4 trials, got " + trials.length);
  for (const t of trials) if (t.state !== "SUCCEEDED" || t.executor !== "kubernetes") bad(t.name + " " + t.state + " on " + t.executor);
' "$exp" || fail "tuning get: $exp"
trial_jobs=$(kapi "/apis/batch/v1/namespaces/default/jobs?labelSelector=app.kubernetes.io%2Fmanaged-by%3Dcairn" |
  node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).items.filter(j=>j.metadata.annotations["cairn.dev/attempt-key"].startsWith("tune/"+process.argv[1]+"/")).length))' "$exp_id")
[ "$trial_jobs" = 4 ] || fail "expected 4 trial Jobs, found $trial_jobs"
echo "server_e2e: OK"
