// Scripted MLflow workflow through the npm `mlflow` client (not written by the
// cairn team) against a running cairn server. Every call must succeed and
// every value must read back as written. Usage: node workflow.js <server-url>
'use strict';
const assert = require('node:assert/strict');
const MLflow = require('mlflow');
const { ViewType, RunStatus } = require('mlflow/enum');

const endpoint = process.argv[2];
if (!endpoint) {
  console.error('usage: node workflow.js http://127.0.0.1:PORT');
  process.exit(2);
}
// The client logs every POST body; keep the test output readable.
const realLog = console.log;
console.log = () => {};

async function main() {
  // Credentials from the environment, as MLflow's own clients take them
  // (the npm client has no such support itself, only extra headers).
  const headers = {};
  if (process.env.MLFLOW_TRACKING_TOKEN) {
    headers.Authorization = `Bearer ${process.env.MLFLOW_TRACKING_TOKEN}`;
  } else if (process.env.MLFLOW_TRACKING_USERNAME) {
    const pair = `${process.env.MLFLOW_TRACKING_USERNAME}:${process.env.MLFLOW_TRACKING_PASSWORD || ''}`;
    headers.Authorization = `Basic ${Buffer.from(pair).toString('base64')}`;
  }
  const client = new MLflow({ endpoint, headers });
  const { Experiments, Runs, Metrics, Artifacts } = client;
  const name = `npm-conformance-${Date.now()}`;

  const { experiment_id } = await Experiments.create({ name });
  assert.match(experiment_id, /^[0-9]+$/);
  const { experiment } = await Experiments.get({ experiment_id });
  assert.equal(experiment.name, name);
  assert.equal(experiment.lifecycle_stage, 'active');

  const { experiments } = await Experiments.list({ view_type: ViewType.ACTIVE_ONLY });
  assert.ok(experiments.some((e) => e.experiment_id === experiment_id), 'list shows the new experiment');

  const start = Date.now();
  const { run } = await Runs.create({ experiment_id, start_time: start, tags: [{ key: 'team', value: 'vision' }] });
  const run_id = run.info.run_id;
  assert.match(run_id, /^[0-9a-f]{32}$/);
  assert.equal(run.info.status, RunStatus.RUNNING);
  assert.equal(run.info.experiment_id, experiment_id);
  assert.equal(run.info.start_time, start);

  await Runs.logParameter({ run_id, key: 'lr', value: '0.01' });
  await Runs.setTag({ run_id, key: 'stage', value: 'train' });
  for (let step = 0; step < 5; step++) {
    await Runs.logMetric({ run_id, key: 'loss', value: 1 / (step + 1), timestamp: start + step, step });
  }
  await Runs.logBatch({
    run_id,
    metrics: [
      { key: 'accuracy', value: 0.75, timestamp: start + 10, step: 0 },
      { key: 'accuracy', value: 0.9, timestamp: start + 11, step: 1 },
    ],
    params: [{ key: 'batch_size', value: '32' }, { key: 'optimizer', value: 'adam' }],
    tags: [{ key: 'framework', value: 'none' }],
  });

  const { run: read } = await Runs.get({ run_id });
  const params = Object.fromEntries(read.data.params.map((p) => [p.key, p.value]));
  assert.deepEqual(params, { lr: '0.01', batch_size: '32', optimizer: 'adam' });
  const tags = Object.fromEntries(read.data.tags.map((t) => [t.key, t.value]));
  assert.equal(tags.team, 'vision');
  assert.equal(tags.stage, 'train');
  assert.equal(tags.framework, 'none');
  const latest = Object.fromEntries(read.data.metrics.map((m) => [m.key, m.value]));
  assert.equal(latest.loss, 1 / 5);
  assert.equal(latest.accuracy, 0.9);

  const { runs } = await Runs.search({
    experiment_ids: [experiment_id],
    filter: "metrics.accuracy > 0.8 and params.optimizer = 'adam'",
    run_view_type: ViewType.ACTIVE_ONLY,
  });
  assert.equal(runs.length, 1);
  assert.equal(runs[0].info.run_id, run_id);
  const none = await Runs.search({ experiment_ids: [experiment_id], filter: 'metrics.accuracy > 0.95' });
  assert.equal((none.runs || []).length, 0);

  const { metrics } = await Metrics.getHistory({ run_id, metric_key: 'loss' });
  assert.deepEqual(metrics.map((m) => m.step), [0, 1, 2, 3, 4]);
  assert.deepEqual(metrics.map((m) => m.value), [1, 1 / 2, 1 / 3, 1 / 4, 1 / 5]);

  const listing = await Artifacts.list({ run_id });
  assert.equal(listing.root_uri, read.info.artifact_uri);

  const end = Date.now();
  const { run_info } = await Runs.update({ run_id, status: RunStatus.FINISHED, end_time: end });
  assert.equal(run_info.status, RunStatus.FINISHED);
  assert.equal(run_info.end_time, end);

  await Runs.deleteTag({ run_id, key: 'stage' });
  await Runs.delete({ run_id });
  const deleted = await Runs.search({ experiment_ids: [experiment_id], run_view_type: ViewType.DELETED_ONLY });
  assert.equal(deleted.runs.length, 1);
  await Runs.restore({ run_id });

  // Errors come back as the MLflow error JSON with the right status.
  await assert.rejects(Runs.get({ run_id: 'f'.repeat(32) }), (err) => {
    const detail = JSON.parse(err.message.replace(/^Error: /, ''));
    assert.equal(detail.status, 404);
    assert.equal(detail.data.error_code, 'RESOURCE_DOES_NOT_EXIST');
    return true;
  });

  realLog('npm mlflow workflow: all calls succeeded and read back');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
