// Fills a cairn server with a small, deterministic demo through the public
// REST API: one experiment of RUNS runs (params, metric histories, tags,
// dataset inputs, a parent with children, artifacts of every preview kind)
// and a registered model with two versions. Returns what the test checks.
import { deflateSync } from 'node:zlib';
import { api, cairnApi, pipelinesApi, pool, rng, upload } from './lib.mjs';

// A small valid PNG (a 96x64 gradient), encoded here so the test needs no files.
function crc32(buf) {
  let c = ~0;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}
function gradientPng(w, h) {
  const raw = Buffer.alloc((w * 3 + 1) * h);
  for (let y = 0; y < h; y++) {
    raw[y * (w * 3 + 1)] = 0;
    for (let x = 0; x < w; x++) {
      const o = y * (w * 3 + 1) + 1 + x * 3;
      raw[o] = Math.round((255 * x) / w);
      raw[o + 1] = Math.round((255 * y) / h);
      raw[o + 2] = 160;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
const PNG = gradientPng(96, 64);

export const RUNS = 30;
export const STEPS = 300;

export async function seedDemo(base) {
  const { experiment_id: experimentId } = await api(base, 'POST', 'experiments/create', {
    name: 'e2e-demo',
    tags: [{ key: 'mlflow.note.content', value: 'Runs seeded by tests/e2e/seed.mjs' }],
  });
  const random = rng(42);
  const optimizers = ['adam', 'sgd', 'rmsprop'];
  const t0 = Date.UTC(2026, 0, 5, 9, 0, 0);
  const specs = Array.from({ length: RUNS }, (_, i) => ({
    i,
    name: `trial-${String(i).padStart(2, '0')}`,
    lr: Number((0.001 + random() * 0.099).toFixed(4)),
    optimizer: optimizers[i % 3],
    depth: 2 + (i % 5),
    acc: Number((0.4 + random() * 0.55).toFixed(4)),
    status: i % 10 === 9 ? 'FAILED' : 'FINISHED',
  }));

  const runs = await pool(specs, 8, async (s) => {
    const start = t0 + s.i * 60_000;
    const { run } = await api(base, 'POST', 'runs/create', {
      experiment_id: experimentId,
      run_name: s.name,
      user_id: s.i % 2 ? 'ana' : 'ben',
      start_time: start,
      tags: [
        { key: 'mlflow.source.name', value: 'train.py' },
        { key: 'mlflow.source.git.commit', value: '0123456789abcdef' },
        { key: 'team', value: s.i % 2 ? 'vision' : 'nlp' },
      ],
    });
    const id = run.info.run_id;
    const metrics = [];
    for (let step = 0; step < STEPS; step++) {
      const loss = 2 * Math.exp(-step / (40 + s.i)) + 0.05 * Math.sin(step / 3) + 0.1;
      metrics.push({ key: 'loss', value: loss, timestamp: start + step * 1000, step });
    }
    metrics.push({ key: 'acc', value: s.acc, timestamp: start + STEPS * 1000, step: STEPS });
    metrics.push({ key: 'val-loss', value: 0.3 + (1 - s.acc), timestamp: start + STEPS * 1000, step: STEPS });
    for (let k = 0; k < metrics.length; k += 1000) {
      await api(base, 'POST', 'runs/log-batch', {
        run_id: id,
        metrics: metrics.slice(k, k + 1000),
        params:
          k === 0
            ? [
                { key: 'lr', value: String(s.lr) },
                { key: 'optimizer', value: s.optimizer },
                { key: 'depth', value: String(s.depth) },
              ]
            : [],
      });
    }
    await api(base, 'POST', 'runs/log-inputs', {
      run_id: id,
      datasets: [
        {
          tags: [{ key: 'mlflow.data.context', value: 'training' }],
          dataset: { name: 'iris', digest: 'd1g3st42', source_type: 'local', source: 'file:///data/iris.csv' },
        },
      ],
    });
    await api(base, 'POST', 'runs/update', { run_id: id, status: s.status, end_time: start + (STEPS + 5) * 1000 });
    return { ...s, id };
  });

  // A parent run with two children (pipeline-style nesting).
  const { run: parent } = await api(base, 'POST', 'runs/create', {
    experiment_id: experimentId,
    run_name: 'pipeline-parent',
    start_time: t0 - 3_600_000,
  });
  for (const child of runs.slice(0, 2)) {
    await api(base, 'POST', 'runs/set-tag', { run_id: child.id, key: 'mlflow.parentRunId', value: parent.info.run_id });
  }

  // Artifacts of every preview kind on the first run.
  const first = runs[0].id;
  await upload(base, first, 'notes.txt', 'Trained on iris.\nNo surprises.\n');
  await upload(base, first, 'metrics.json', JSON.stringify({ acc: runs[0].acc, f1: 0.81, classes: ['a', 'b'] }));
  await upload(base, first, 'data/sample.csv', 'sepal_length,sepal_width,species\n5.1,3.5,setosa\n6.2,2.9,"versi, color"\n');
  await upload(base, first, 'plots/tiny.png', PNG);
  await upload(base, first, 'README.md', '# Model card\n\nA **tiny** model. See [MLflow](https://mlflow.org).\n\n- fast\n- small\n');
  await upload(base, first, 'report.html', '<html><body><h1>Report</h1><script>parent.document.title="pwned"</script></body></html>');
  await upload(base, first, 'model/MLmodel', 'artifact_path: model\nflavors:\n  python_function:\n    loader_module: x\n');
  await upload(base, first, 'model/model.pkl', Buffer.from([0x80, 0x04, 0x00, 0x01, 0x02]));

  // A registered model with a version from each of two runs.
  await api(base, 'POST', 'registered-models/create', { name: 'e2e-model', description: 'Seeded model' });
  for (const r of runs.slice(0, 2)) {
    await api(base, 'POST', 'model-versions/create', { name: 'e2e-model', source: `runs:/${r.id}/model`, run_id: r.id });
  }

  return { experimentId, runs, parentId: parent.info.run_id };
}

// A small real pipeline run by the server's local executor (host shell):
// prepare -> train -> publish (SKIPPED: its condition is false), a 3-item
// for_each loop, and `flaky`, which fails on both of its attempts so that
// `report` after it is NOT_TRIGGERED and the run FAILED. `prepare` is
// cached, so a second run of the same spec reuses its outputs.
export const PIPELINE_YAML = `name: e2e-pipeline
description: Seeded by tests/e2e/seed.mjs
params:
  threshold: {type: double, default: 0.5}
steps:
  prepare:
    run: |
      echo "preparing 3 rows"
      echo 3 > "\${{ outputs.rows }}"
    outputs: {rows: int}
    cache: true
  squares:
    for_each: [1, 2, 3]
    run: echo $(( \${{ item }} * \${{ item }} )) > "\${{ outputs.square }}"
    outputs: {square: int}
  train:
    run: |
      echo "training on \${{ steps.prepare.outputs.rows }} rows"
      echo 0.42 > "\${{ outputs.accuracy }}"
    outputs: {accuracy: double}
  publish:
    when: steps.train.outputs.accuracy > params.threshold
    run: echo publishing
  flaky:
    needs: [prepare]
    run: |
      echo "flaky step starting"
      echo "boom: the input looks wrong" >&2
      exit 3
    retries: {count: 1, backoff: 100ms}
  report:
    needs: [flaky, squares]
    run: echo "never runs"
`;

// A run that stays RUNNING until the test cancels it from the UI.
export const SLEEPER_YAML = `name: e2e-sleeper
steps:
  wait:
    run: |
      echo "waiting for the test to cancel me"
      sleep 300
`;

async function finished(base, runId) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const got = await pipelinesApi(base, 'GET', 'runs/get', { run_id: runId });
    if (!['PENDING', 'RUNNING', 'CANCELLING'].includes(got.run.state)) return got;
    if (Date.now() > deadline) throw new Error(`pipeline run still ${got.run.state} after 60 s: ${JSON.stringify(got.tasks.map((t) => [t.node_id, t.state]))}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

// Submits the demo pipeline twice (the second run after the first, so its
// `prepare` is a cache hit) and the sleeper; resolves once both demo runs
// have finished (the sleeper keeps running).
export async function seedPipelines(base) {
  const submit = (spec, display_name) =>
    pipelinesApi(base, 'POST', 'runs/submit', { spec, source_name: `${display_name}.yaml`, display_name, experiment_name: 'e2e-pipelines' });
  const { run: demo } = await submit(PIPELINE_YAML, 'e2e-demo-pipeline');
  const { run: sleeper } = await submit(SLEEPER_YAML, 'e2e-sleeper');
  const first = await finished(base, demo.run_id);
  const { run: again } = await submit(PIPELINE_YAML, 'e2e-demo-rerun');
  const second = await finished(base, again.run_id);
  return { demo: first.run, tasks: first.tasks, rerun: second.run, rerunTasks: second.tasks, sleeper };
}

// A small real tuning experiment (cairn's short form, docs/tuning.md): 8
// trials, 4 at a time, of a python3 one-liner that prints `loss=...` lines
// (the StdOut collector reads them) and one line on stderr. The loss is a
// function of lr and opt, so importance is not flat; the seed makes the
// suggested values the same on every run.
export const TUNING_TRIALS = 8;
export const TUNING_YAML = `name: e2e-tuning
objective: {type: minimize, metric: loss}
algorithm: random
seed: 7
parallelTrials: 4
maxTrials: ${TUNING_TRIALS}
parameters:
  lr: {type: double, min: 0.001, max: 0.1}
  opt: {type: categorical, values: [sgd, adam]}
command:
  - python3
  - -c
  - |
    import sys
    lr, opt = float(sys.argv[1]), sys.argv[2]
    for epoch in range(3):
        loss = (lr - 0.03) ** 2 * 100 + (0.5 if opt == "sgd" else 0.1) + 0.01 / (epoch + 1)
        print(f"epoch {epoch}: loss={loss:.6f}", flush=True)
    print("trained with " + opt, file=sys.stderr)
  - "\${lr}"
  - "\${opt}"
`;

// An experiment whose one trial sleeps until the test stops it from the UI.
export const TUNING_SLEEPER_YAML = `name: e2e-tuning-sleeper
objective: {type: minimize, metric: loss}
maxTrials: 1
parallelTrials: 1
parameters:
  x: {type: int, min: 1, max: 3}
command: [sh, -c, 'echo "sleeping for the test"; sleep 300']
`;

async function tuningFinished(base, experimentId) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const got = await cairnApi(base, 'GET', 'tuning/experiments/get', { experiment_id: experimentId });
    if (!['CREATED', 'RUNNING'].includes(got.experiment.state)) return got;
    if (Date.now() > deadline) throw new Error(`tuning experiment still ${got.experiment.state} after 60 s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

// Submits both experiments; resolves once the demo one has finished (the
// sleeper keeps running).
export async function seedTuning(base) {
  const submit = (spec, name) =>
    cairnApi(base, 'POST', 'tuning/experiments/submit', { spec, source_name: `${name}.yaml`, experiment_name: 'e2e-tuning' });
  const { experiment: demo } = await submit(TUNING_YAML, 'e2e-tuning');
  const { experiment: sleeper } = await submit(TUNING_SLEEPER_YAML, 'e2e-tuning-sleeper');
  const done = await tuningFinished(base, demo.experiment_id);
  return { demo: done.experiment, detail: done, sleeper };
}

// A tiny XGBoost regressor (2 trees of depth 2 on 4 features), saved as
// JSON by libxgboost 1.6 (XGBoosterSaveModel through its C API): small
// enough to keep here, so the test needs no files and no Python packages.
const XGB_MODEL_JSON = "{\"learner\":{\"attributes\":{},\"feature_names\":[],\"feature_types\":[],\"gradient_booster\":{\"model\":{\"gbtree_model_param\":{\"num_parallel_tree\":\"1\",\"num_trees\":\"2\",\"size_leaf_vector\":\"0\"},\"tree_info\":[0,0],\"trees\":[{\"base_weights\":[8.606029E-1,3.3053276E-1,1.4569719E0,-3.776684E-2,5.29477E-1,8.7906784E-1,1.6005757E0],\"categories\":[],\"categories_nodes\":[],\"categories_segments\":[],\"categories_sizes\":[],\"default_left\":[1,1,1,0,0,0,0],\"id\":0,\"left_children\":[1,3,5,-1,-1,-1,-1],\"loss_changes\":[1.24792385E1,1.7052317E0,1.6978073E-1,0E0,0E0,0E0,0E0],\"parents\":[2147483647,0,0,1,1,2,2],\"right_children\":[2,4,6,-1,-1,-1,-1],\"split_conditions\":[4.6666133E-1,1.0131064E-1,5.018017E-1,-1.888342E-2,2.647385E-1,4.3953392E-1,8.0028784E-1],\"split_indices\":[0,0,1,0,0,0,0],\"split_type\":[0,0,0,0,0,0,0],\"sum_hessian\":[4E1,2.2E1,1.8E1,8E0,1.4E1,5E0,1.3E1],\"tree_param\":{\"num_deleted\":\"0\",\"num_feature\":\"4\",\"num_nodes\":\"7\",\"size_leaf_vector\":\"0\"}},{\"base_weights\":[4.665375E-1,1.5636969E-1,7.843952E-1,-1.3108459E-1,2.7235782E-1,5.074226E-1,9.267584E-1],\"categories\":[],\"categories_nodes\":[],\"categories_segments\":[],\"categories_sizes\":[],\"default_left\":[1,1,1,0,0,0,0],\"id\":1,\"left_children\":[1,3,5,-1,-1,-1,-1],\"loss_changes\":[3.9195032E0,7.692102E-1,3.1835556E-1,0E0,0E0,0E0,0E0],\"parents\":[2147483647,0,0,1,1,2,2],\"right_children\":[2,4,6,-1,-1,-1,-1],\"split_conditions\":[4.1574365E-1,4.0433684E-1,6.9488287E-1,-6.5542296E-2,1.3617891E-1,2.537113E-1,4.633792E-1],\"split_indices\":[0,1,0,0,0,0,0],\"split_type\":[0,0,0,0,0,0,0],\"sum_hessian\":[4E1,2.1E1,1.9E1,6E0,1.5E1,8E0,1.1E1],\"tree_param\":{\"num_deleted\":\"0\",\"num_feature\":\"4\",\"num_nodes\":\"7\",\"size_leaf_vector\":\"0\"}}]},\"name\":\"gbtree\"},\"learner_model_param\":{\"base_score\":\"5E-1\",\"boost_from_average\":\"1\",\"num_class\":\"0\",\"num_feature\":\"4\",\"num_target\":\"1\"},\"objective\":{\"name\":\"reg:squarederror\",\"reg_loss_param\":{\"scale_pos_weight\":\"1\"}}},\"version\":[1,7,4]}";
const MLMODEL = `artifact_path: model
flavors:
  python_function:
    data: model.json
    loader_module: mlflow.xgboost
  xgboost:
    code: null
    data: model.json
mlflow_version: 2.10.0
signature:
  inputs: '[{"type": "double", "name": "f0"}, {"type": "double", "name": "f1"}, {"type": "double", "name": "f2"}, {"type": "double", "name": "f3"}]'
  outputs: null
`;
export const SERVED_MODEL = 'e2e-served';

// Two registered versions of the model above (logged as run artifacts, as
// an MLflow client would), a deployment of version 1, and a few
// predictions so /metrics has numbers.
export async function seedServing(base) {
  const { experiment_id: experimentId } = await api(base, 'POST', 'experiments/create', { name: 'e2e-serving' });
  await api(base, 'POST', 'registered-models/create', { name: SERVED_MODEL, description: 'A tiny XGBoost regressor' });
  for (let i = 0; i < 2; i++) {
    const { run } = await api(base, 'POST', 'runs/create', { experiment_id: experimentId, run_name: `xgb-${i + 1}` });
    const id = run.info.run_id;
    await upload(base, id, 'model/model.json', XGB_MODEL_JSON);
    await upload(base, id, 'model/MLmodel', MLMODEL);
    await api(base, 'POST', 'runs/update', { run_id: id, status: 'FINISHED', end_time: Date.now() });
    await api(base, 'POST', 'model-versions/create', { name: SERVED_MODEL, source: `runs:/${id}/model`, run_id: id });
  }
  const { deployment } = await cairnApi(base, 'POST', 'serving/deployments', { name: SERVED_MODEL, model_uri: `models:/${SERVED_MODEL}/1` });
  await predict(base, 5);
  return { deployment };
}

export async function predict(base, times) {
  for (let i = 0; i < times; i++) {
    const res = await fetch(`${base}/invocations?model=${SERVED_MODEL}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ dataframe_split: { columns: ['f0', 'f1', 'f2', 'f3'], data: [[0.1, 0.2, 0.3, 0.4], [0.9, 0.8, 0.7, 0.6]] } }),
    });
    if (!res.ok) throw new Error(`invocations -> ${res.status}: ${await res.text()}`);
  }
}
