#!/usr/bin/env bash
# `cairn pipelines export --format argo` on every KFP fixture (kfp/, k8s/) and cairn
# example, each result validated against the Argo Workflow JSON schema
# (tests/infra/argo/validate-argo.mjs, npm packages pinned by its
# package-lock.json; scripts/install-deps.sh runs `npm ci` there). Also: a
# spec with errors is refused (exit 1, nothing written), a bad --format is
# refused, and stdout output is the same workflow.
#   run.sh CAIRN_BINARY
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cairn=${1:?usage: run.sh CAIRN_BINARY}
validator=$here/../../infra/argo
data=$here/../../data
fail() { echo "FAIL: $*" >&2; exit 1; }
[ -d "$validator/node_modules/@kubernetes-models/argo-workflows" ] ||
  fail "npm packages missing: run (cd tests/infra/argo && npm ci) or scripts/install-deps.sh"
out=$(mktemp -d /tmp/cairn-argo-export.XXXXXX)
trap 'rm -rf "$out"' EXIT

count=0
for spec in "$data"/kfp/*.yaml "$data"/cairn/*.yaml "$data"/k8s/*.yaml; do
  name=$(basename "$spec" .yaml)
  [ "$name" = INDEX ] && continue
  if ! "$cairn" pipelines export --format argo --output "$out/$name.argo.yaml" "$spec" 2> "$out/$name.err"; then
    # Specs that do not validate are refused; anything else is a failure.
    grep -q "has errors and cannot be exported\|cannot\|error" "$out/$name.err" || fail "$name: $(cat "$out/$name.err")"
    [ -e "$out/$name.argo.yaml" ] && fail "$name: a refused export left a file"
    echo "refused (invalid spec): $name: $(head -2 "$out/$name.err" | tr '\n' ' ')"
    continue
  fi
  count=$((count + 1))
done
[ "$count" -ge 30 ] || fail "only $count specs exported"
(cd "$validator" && node validate-argo.mjs "$out"/*.argo.yaml)

# stdout and --output give the same workflow.
"$cairn" pipelines export --format argo "$data/kfp/two_step_pipeline.yaml" > "$out/stdout.yaml" 2>/dev/null
cmp -s "$out/stdout.yaml" "$out/two_step_pipeline.argo.yaml" || fail "stdout differs from --output"
# Bad input: a broken spec, an unknown format.
printf 'name: broken\nsteps:\n  a: {needs: missing, run: echo}\n' > "$out/broken.yaml"
if "$cairn" pipelines export --format argo --output "$out/broken.argo.yaml" "$out/broken.yaml" 2> "$out/broken.err"; then
  fail "a spec with errors was exported"
fi
grep -q "missing" "$out/broken.err" || fail "error does not name the problem: $(cat "$out/broken.err")"
[ -e "$out/broken.argo.yaml" ] && fail "a refused export left a file"
if "$cairn" pipelines export --format tekton "$data/kfp/two_step_pipeline.yaml" > /dev/null 2>&1; then
  fail "--format tekton was accepted"
fi
echo "argo export: $count specs exported and schema-valid"
