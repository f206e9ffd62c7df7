// Fills a cairn server with a small, deterministic demo through the public
// REST API: one experiment of RUNS runs (params, metric histories, tags,
// dataset inputs, a parent with children, artifacts of every preview kind)
// and a registered model with two versions. Returns what the test checks.
import { deflateSync } from 'node:zlib';
import { api, pipelinesApi, pool, rng, upload } from './lib.mjs';

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
