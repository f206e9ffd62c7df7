// Browser test of the web dashboard: Debian's chromium (playwright-core)
// against the real cairn binary filled through the REST API (seed.mjs).
//   node e2e.mjs <cairn-url> <screenshot-dir>
// Walks: experiments list -> runs table -> filter -> sort -> run page
// (overview, chart drawn, zoom refetch, artifact previews) -> compare two
// runs -> models -> set an alias -> version lineage -> pipeline runs list ->
// run graph (task states, collapse/expand a loop) -> task panel and logs ->
// list view -> cancel a running pipeline -> tuning experiments -> trials
// table, best-so-far chart, importance, a trial's logs -> stop a running
// experiment -> deployments -> a deployment's live numbers and chart -> start a
// canary from the form; plus deep links, error states, the
// SPA fallback and the app under a path prefix (a proxy).
// Fails on any page error or console error. Screenshots of every page.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { api, cairnApi, launchBrowser, pipelinesApi, watchErrors } from './lib.mjs';
import { RUNS, SERVED_MODEL, TUNING_TRIALS, predict, seedDemo, seedPipelines, seedServing, seedTuning } from './seed.mjs';

const [base, outDir] = process.argv.slice(2);
if (!base || !outDir) {
  console.error('usage: node e2e.mjs <cairn-url> <screenshot-dir>');
  process.exit(2);
}
mkdirSync(outDir, { recursive: true });
const started = Date.now();
const timings = [];
const step = async (name, fn) => {
  const t = Date.now();
  await fn();
  timings.push(`${name} ${Date.now() - t} ms`);
  console.log(`ok  ${name} (${Date.now() - t} ms)`);
};

// The pipelines run on the server while the tracking data is seeded.
const pipelinesSeeded = seedPipelines(base);
pipelinesSeeded.catch(() => {}); // awaited (and reported) by the pipeline steps
const tuningSeeded = seedTuning(base);
tuningSeeded.catch(() => {});
const servingSeeded = seedServing(base);
servingSeeded.catch(() => {});
const seed = await seedDemo(base);
const exp = seed.experimentId;
const browser = await launchBrowser();
const page = await browser.context.newPage();
page.setDefaultTimeout(15_000);
const watch = watchErrors(page);
const shot = (name) => page.screenshot({ path: join(outDir, `${name}.png`) });
const statusLine = page.getByTestId('runs-status');

try {
  await step('experiments list', async () => {
    await page.goto(`${base}/`);
    await page.getByRole('link', { name: 'e2e-demo' }).waitFor();
    await shot('01-experiments');
    await page.getByRole('link', { name: 'e2e-demo' }).click();
    await statusLine.getByText(`${RUNS + 1} runs loaded`).waitFor();
    assert.match(page.url(), new RegExp(`#/experiments/${exp}$`));
    await shot('02-runs');
  });

  const goodRuns = seed.runs.filter((r) => r.acc > 0.6);
  await step('filter runs', async () => {
    const box = page.getByLabel('Filter runs (MLflow search syntax)');
    await page.keyboard.press('/'); // the keyboard shortcut focuses the filter box
    await page.keyboard.type('metrics.acc > 0.6');
    assert.equal(await box.inputValue(), 'metrics.acc > 0.6');
    await box.press('Enter');
    await statusLine.getByText(`${goodRuns.length} runs loaded`).waitFor();
    assert.match(decodeURIComponent(page.url()), /filter=metrics\.acc\+>\+0\.6/);
  });

  const best = [...goodRuns].sort((a, b) => b.acc - a.acc)[0];
  await step('sort by a metric column', async () => {
    await page.locator('[role=columnheader][data-col="metrics.acc"] button').click();
    await page.locator('[role=columnheader][data-col="metrics.acc"][aria-sort=descending]').waitFor();
    await page.locator('[role=row][aria-rowindex="2"]', { hasText: best.name }).waitFor();
    assert.match(decodeURIComponent(page.url()), /sort=metrics\.acc:desc/);
    // Keyboard: the header is a button; Enter flips the order.
    await page.locator('[role=columnheader][data-col="metrics.acc"] button').focus();
    await page.keyboard.press('Enter');
    await page.locator('[role=columnheader][data-col="metrics.acc"][aria-sort=ascending]').waitFor();
    await page.keyboard.press('Enter');
    await page.locator('[role=columnheader][data-col="metrics.acc"][aria-sort=descending]').waitFor();
    await page.locator('[role=row][aria-rowindex="2"]', { hasText: best.name }).waitFor();
    await shot('03-runs-filtered-sorted');
  });

  await step('deep link restores filter, sort and columns', async () => {
    await page.goto(`${base}/#/experiments/${exp}?filter=${encodeURIComponent('params.optimizer = \'sgd\'')}&sort=params.depth:asc&cols=params.depth,metrics.acc`);
    const sgd = seed.runs.filter((r) => r.optimizer === 'sgd');
    await statusLine.getByText(`${sgd.length} runs loaded`).waitFor();
    assert.equal(await page.locator('.ghead [role=columnheader]').count(), 9); // select, name, 5 built-in, 2 chosen
    await page.locator('[role=columnheader][data-col="params.depth"][aria-sort=ascending]').waitFor();
  });

  await step('error state for a bad filter', async () => {
    await watch.allowing(/status of 400/, async () => {
      await page.goto(`${base}/#/experiments/${exp}?filter=${encodeURIComponent('metrics.acc >>> 1')}`);
      await page.getByTestId('error-state').getByText('The filter was rejected').waitFor();
    });
    await shot('04-runs-error');
  });

  const run0 = seed.runs[0];
  await step('open a run', async () => {
    await page.goto(`${base}/#/experiments/${exp}`);
    await page.getByLabel('Run name contains').fill(run0.name);
    await page.getByLabel('Run name contains').press('Enter');
    await statusLine.getByText('1 run loaded').waitFor();
    await page.getByRole('link', { name: run0.name, exact: true }).click();
    await page.getByRole('heading', { name: run0.name }).waitFor();
    await page.getByRole('table', { name: 'Parameters' }).getByText(run0.optimizer).waitFor();
    await page.getByRole('table', { name: 'Dataset inputs' }).getByText('d1g3st42').waitFor();
    await page.getByText('Parent:').getByRole('link', { name: 'pipeline-parent' }).waitFor();
    await shot('05-run-overview');
  });

  await step('metric chart drawn, zoom refetches detail', async () => {
    await page.getByRole('link', { name: /Metric charts/ }).click();
    const chart = page.locator('[data-testid=metric-chart][data-metric=loss]');
    await chart.locator('canvas').waitFor();
    await page.locator('[data-testid=metric-chart][data-metric=loss][data-drawn=true]').waitFor();
    await chart.getByText(/drawn in \d+ ms/).waitFor();
    await chart.getByText(`of ${300} points`).waitFor();
    const over = chart.locator('.u-over');
    const box = await over.boundingBox();
    await page.mouse.move(box.x + box.width * 0.2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.4, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    await chart.getByRole('button', { name: 'Reset zoom' }).waitFor();
    await page.locator('[data-testid=metric-chart][data-metric=loss][data-drawn=true]').waitFor();
    await page.getByLabel('X axis').selectOption('relative');
    await page.getByLabel('Log scale').check();
    assert.match(page.url(), /x=relative/);
    assert.match(page.url(), /log=1/);
    await page.locator('[data-testid=metric-chart][data-metric=loss][data-drawn=true] canvas').waitFor();
    await shot('06-run-charts');
  });

  await step('artifact previews', async () => {
    await page.getByRole('link', { name: 'Artifacts' }).click();
    const preview = page.getByTestId('artifact-preview');
    const tree = (path) => page.locator(`button.tree-item[data-path="${path}"]`);
    await tree('notes.txt').click();
    await preview.getByText('No surprises.').waitFor();
    await tree('data').click();
    await tree('data/sample.csv').click();
    await preview.locator('table[data-kind=csv]').getByRole('cell', { name: 'versi, color' }).waitFor();
    await shot('07-artifact-csv');
    await tree('README.md').click();
    await preview.getByRole('heading', { name: 'Model card' }).waitFor();
    await tree('metrics.json').click();
    await preview.locator('pre[data-kind=json]').getByText('"f1": 0.81').waitFor();
    // The seeded report.html carries a script; the sandbox blocks it (and
    // Chromium reports that as a console error, the only one accepted here).
    await watch.allowing(/Blocked script execution in 'about:srcdoc'/, async () => {
      await tree('report.html').click();
      const frame = preview.locator('iframe.preview-html');
      assert.equal(await frame.getAttribute('sandbox'), '');
      await page.frameLocator('iframe.preview-html').getByRole('heading', { name: 'Report' }).waitFor();
      assert.notEqual(await page.title(), 'pwned'); // scripts in the preview never ran
    });
    await tree('plots').click();
    await tree('plots/tiny.png').click();
    const img = preview.locator('img.preview-image');
    await img.waitFor();
    await page.waitForFunction(() => document.querySelector('img.preview-image')?.naturalWidth === 96);
    assert.match(page.url(), /path=plots%2Ftiny\.png/);
    await shot('08-artifact-image');
    const download = await preview.getByRole('link', { name: 'Download' }).getAttribute('href');
    const res = await fetch(new URL(download, `${base}/`));
    assert.equal(res.status, 200);
    assert.equal((await res.arrayBuffer()).byteLength > 60, true);
  });

  await step('compare two runs', async () => {
    await page.goto(`${base}/#/experiments/${exp}`);
    await statusLine.getByText(`${RUNS + 1} runs loaded`).waitFor();
    for (const r of seed.runs.slice(3, 5)) await page.getByLabel(`Select ${r.name}`).check();
    await page.getByTestId('compare-button').click();
    await page.getByRole('heading', { name: 'Compare 2 runs' }).waitFor();
    await page.locator('[data-testid=metric-chart][data-drawn=true]').first().waitFor();
    const diff = page.getByTestId('diff-table');
    await diff.getByText(seed.runs[3].optimizer).waitFor();
    await page.getByTestId('scatter-plot').locator('circle').first().waitFor();
    assert.equal(await page.getByTestId('scatter-plot').locator('circle').count(), 2);
    await page.getByTestId('parallel-plot').locator('polyline').first().waitFor({ state: 'attached' });
    assert.equal(await page.getByTestId('parallel-plot').locator('polyline').count(), 2);
    await shot('09-compare');
  });

  await step('models: set an alias, see lineage', async () => {
    await page.getByRole('link', { name: 'Models', exact: true }).click();
    await page.getByRole('link', { name: 'e2e-model' }).click();
    await page.getByTestId('versions-table').getByRole('link', { name: 'version 2' }).waitFor();
    const editor = page.getByTestId('alias-editor');
    await editor.getByLabel('New alias').fill('champion');
    await editor.getByLabel('Version for the alias').selectOption('1');
    await editor.getByRole('button', { name: 'Set alias' }).click();
    await editor.getByText('@champion').waitFor();
    const viaApi = await api(base, 'GET', 'registered-models/alias?name=e2e-model&alias=champion');
    assert.equal(viaApi.model_version.version, '1');
    await page.getByLabel('Model tags: new key').fill('owner');
    await page.getByLabel('Model tags: new value').fill('team-ml');
    await page.getByRole('button', { name: 'Set tag' }).click();
    await page.getByRole('cell', { name: 'team-ml' }).waitFor();
    await shot('10-model');
    await page.getByTestId('versions-table').getByRole('link', { name: 'version 1' }).click();
    const lineage = page.getByTestId('lineage');
    await lineage.getByTestId('lineage-run').first().getByRole('link', { name: run0.name }).waitFor();
    await lineage.getByTestId('lineage-dataset').first().getByText('d1g3st42').waitFor();
    await lineage.getByText('@champion').waitFor();
    await shot('11-model-version');
  });

  const pipes = await pipelinesSeeded;
  const demoRun = pipes.demo;
  const node = (id, state) => page.locator(`[data-testid^=pipeline-][data-node-id="${id}"]${state ? `[data-state=${state}]` : ''}`);
  await step('pipelines list', async () => {
    assert.equal(demoRun.state, 'FAILED');
    await page.getByRole('link', { name: 'Pipelines', exact: true }).click();
    const table = page.getByTestId('pipeline-runs-table');
    const demoRow = table.locator(`tr[data-run-id="${demoRun.run_id}"]`);
    await demoRow.getByRole('link', { name: 'e2e-demo-pipeline' }).waitFor();
    await demoRow.getByText('FAILED', { exact: true }).waitFor();
    await demoRow.getByText('1 failed').waitFor(); // task counts
    await demoRow.getByText('1 skipped').waitFor();
    await table.locator(`tr[data-run-id="${pipes.sleeper.run_id}"]`).getByText('RUNNING', { exact: true }).waitFor();
    await shot('13-pipelines');
    await page.getByLabel('Run state').selectOption('FAILED');
    await page.getByTestId('pipeline-runs-status').getByText('2 runs', { exact: true }).waitFor();
    assert.match(page.url(), /#\/pipelines\?state=FAILED/);
    await page.getByLabel('Run state').selectOption('');
    await page.getByTestId('pipeline-runs-status').getByText('3 runs', { exact: true }).waitFor();
    await table.locator('th[data-col=name] button').click();
    await table.locator('th[data-col=name][aria-sort=ascending]').waitFor();
    assert.match(page.url(), /sort=name(:|%3A)asc/);
    assert.equal(await table.locator('tbody tr').first().getAttribute('data-run-id'), demoRun.run_id);
    await page.getByLabel('Filter pipeline runs by name').fill('sleeper');
    await page.getByTestId('pipeline-runs-status').getByText('1 of 3 loaded runs match').waitFor();
    assert.match(page.url(), /q=sleeper/);
  });

  await step('pipeline run graph with task states', async () => {
    await page.goto(`${base}/#/pipelines`);
    await page.getByRole('link', { name: 'e2e-demo-pipeline' }).click();
    await page.getByTestId('pipeline-graph').waitFor();
    await page.getByTestId('pipeline-run-state').getByText('FAILED').waitFor();
    const expected = {
      prepare: 'succeeded',
      train: 'succeeded',
      publish: 'skipped',
      flaky: 'failed',
      report: 'not_triggered',
      'squares[0]/squares': 'succeeded',
      'squares[1]/squares': 'succeeded',
      'squares[2]/squares': 'succeeded',
    };
    for (const [id, state] of Object.entries(expected)) await node(id, state).waitFor();
    assert.equal(await page.locator('.react-flow__node').count(), 10); // 8 tasks, the loop's header and frame
    assert.ok((await page.locator('.react-flow__edge').count()) >= 6, 'dependency edges drawn');
    await shot('14-pipeline-graph');
    // The same spec again: `prepare` reused the first run's outputs.
    assert.equal(pipes.rerunTasks.find((t) => t.node_id === 'prepare').cached, true);
    await page.goto(`${base}/#/pipelines/runs/${pipes.rerun.run_id}?task=prepare`);
    await node('prepare', 'cached').waitFor();
    await page.getByTestId('task-panel').getByText(`${demoRun.run_id}/prepare`).waitFor();
    await page.goto(`${base}/#/pipelines/runs/${demoRun.run_id}`);
    await node('squares[0]/squares', 'succeeded').waitFor();
  });

  await step('collapse and expand a ParallelFor', async () => {
    await page.getByRole('button', { name: 'Collapse squares' }).click();
    const group = page.locator('[data-testid=pipeline-group][data-node-id=squares]');
    await group.getByText('3 succeeded').waitFor();
    assert.match(page.url(), /toggled=squares/);
    assert.equal(await node('squares[0]/squares').count(), 0);
    await page.getByRole('button', { name: 'Expand squares' }).focus();
    await page.keyboard.press('Enter'); // keyboard works on graph boxes
    await node('squares[1]/squares', 'succeeded').waitFor();
  });

  await step('task panel: inputs, attempts, logs, tracking run', async () => {
    await page.getByRole('button', { name: 'flaky: failed' }).click();
    const panel = page.getByTestId('task-panel');
    await panel.getByRole('heading', { name: 'flaky' }).waitFor();
    await panel.getByTestId('task-attempts').getByText('2 (1 retry)').waitFor();
    await panel.getByTestId('task-logs').getByText('flaky step starting').waitFor();
    await panel.getByRole('button', { name: 'stderr' }).click();
    await panel.locator('[data-testid=task-logs][data-stream=stderr]').getByText('boom: the input looks wrong').waitFor();
    assert.match(page.url(), /task=flaky/);
    assert.match(page.url(), /stream=stderr/);
    await shot('15-pipeline-task-panel');
    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'train: succeeded' }).click();
    await panel.getByRole('table', { name: 'Output parameters' }).getByText('0.42').waitFor();
    await panel.getByTestId('task-logs').getByText('training on 3 rows').waitFor();
    await panel.getByRole('link', { name: "open the task's run" }).click();
    // The panel's own "train" heading is still there until the hash changes:
    // wait for the run page's URL first.
    await page.waitForURL(/#\/experiments\/\d+\/runs\/[0-9a-f]+/);
    await page.getByRole('heading', { name: 'train', exact: true }).waitFor(); // the nested run is named after the task
    await page.goBack();
    await page.getByTestId('task-panel').waitFor();
  });

  await step('pipeline list view', async () => {
    await page.getByRole('button', { name: 'List', exact: true }).click();
    const list = page.getByTestId('task-list');
    await list.waitFor();
    assert.equal(await list.locator('tbody tr').count(), pipes.tasks.length);
    assert.match(page.url(), /view=list/);
    await page.getByLabel('Show tasks in state').selectOption('failed');
    await page.getByTestId('task-list-status').getByText(`1 of ${pipes.tasks.length} tasks`).waitFor();
    await list.getByRole('button', { name: 'flaky' }).waitFor();
    await shot('16-pipeline-list');
  });

  await step('cancel a running pipeline', async () => {
    await page.goto(`${base}/#/pipelines/runs/${pipes.sleeper.run_id}?task=wait`);
    await node('wait', 'running').waitFor();
    await page.getByTestId('task-logs').getByText('waiting for the test to cancel me').waitFor();
    await page.getByRole('button', { name: 'Cancel run' }).click();
    await page.getByRole('button', { name: 'Yes, cancel the run' }).click();
    await page.getByTestId('pipeline-run-state').getByText('CANCELLED').waitFor();
    await node('wait', 'cancelled').waitFor();
    await shot('17-pipeline-cancelled');
  });

  const tuning = await tuningSeeded;
  const tuningRow = (id) => page.getByTestId('tuning-table').locator(`tr[data-experiment-id="${id}"]`);
  await step('tuning experiments list', async () => {
    assert.equal(tuning.demo.state, 'SUCCEEDED');
    await page.getByRole('link', { name: 'Tuning', exact: true }).click();
    const demo = tuningRow(tuning.demo.experiment_id);
    await demo.getByRole('link', { name: 'e2e-tuning' }).waitFor();
    await demo.getByText('SUCCEEDED', { exact: true }).waitFor();
    await demo.getByText('ExperimentMaxTrialsReached').waitFor();
    await demo.getByTestId('trials-progress').getByText(`${TUNING_TRIALS} / ${TUNING_TRIALS}`).waitFor();
    await tuningRow(tuning.sleeper.experiment_id).getByText('RUNNING', { exact: true }).waitFor();
    await shot('18-tuning');
    await page.getByLabel('Experiment state').selectOption('SUCCEEDED');
    await page.getByTestId('tuning-status').getByText('1 experiment', { exact: true }).waitFor();
    assert.match(page.url(), /#\/tuning\?state=SUCCEEDED/);
    await page.getByLabel('Experiment state').selectOption('');
    await page.getByTestId('tuning-status').getByText('2 experiments', { exact: true }).waitFor();
  });

  const bestName = tuning.detail.experiment.best_trial_name;
  await step('tuning experiment: trials table, best-so-far chart, importance', async () => {
    await tuningRow(tuning.demo.experiment_id).getByRole('link', { name: 'e2e-tuning' }).click();
    const table = page.getByTestId('trials-table');
    await table.locator('tbody tr').nth(TUNING_TRIALS - 1).waitFor();
    assert.equal(await table.locator('tbody tr').count(), TUNING_TRIALS);
    for (const col of ['param:lr', 'param:opt', 'objective']) await table.locator(`th[data-col="${col}"]`).waitFor();
    await page.locator('[data-testid=best-so-far][data-drawn=true] canvas').first().waitFor();
    const importance = page.getByTestId('importance');
    await importance.locator('tr[data-param=lr]').waitFor();
    await importance.locator('tr[data-param=opt]').waitFor();
    // Largest first, as the API's numbers say.
    const top = [...tuning.detail.parameter_importance].sort((a, b) => b.importance - a.importance)[0].name;
    assert.equal(await importance.locator('tr').first().getAttribute('data-param'), top);
    await page.getByTestId('best-objective').getByText(bestName).waitFor();
    // Sort by the objective: the best (smallest loss) trial comes first.
    await table.locator('th[data-col=objective] button').click();
    await table.locator('th[data-col=objective][aria-sort=ascending]').waitFor();
    assert.match(decodeURIComponent(page.url()), /sort=objective:asc/);
    assert.equal(await table.locator('tbody tr').first().getAttribute('data-trial'), bestName);
    await shot('19-tuning-experiment');
    await page.getByLabel('Show trials in state').selectOption('FAILED');
    await page.getByTestId('empty-state').getByText('No trial is failed').waitFor();
    assert.match(page.url(), /state=FAILED/);
    await page.getByLabel('Show trials in state').selectOption('');
    await table.locator('tbody tr').nth(TUNING_TRIALS - 1).waitFor();
    // A click on the chart's left edge opens the first trial that finished.
    const firstDone = [...tuning.detail.trials].sort((a, b) => a.finished_ms - b.finished_ms || a.index - b.index)[0].name;
    await page.locator('[data-testid=best-so-far] .u-over').click({ position: { x: 3, y: 20 } });
    await page.getByTestId('trial-panel').getByRole('heading', { name: firstDone }).waitFor();
    await page.keyboard.press('Escape');
    await page.getByTestId('trial-panel').waitFor({ state: 'detached' });
  });

  await step('tuning trial panel: logs and tracking run', async () => {
    await page.getByTestId('trials-table').getByRole('button', { name: bestName }).click();
    const panel = page.getByTestId('trial-panel');
    await panel.getByRole('heading', { name: bestName }).waitFor();
    await panel.getByTestId('trial-logs').getByText('epoch 2: loss=').waitFor();
    await panel.getByRole('button', { name: 'stderr' }).click();
    await panel.locator('[data-testid=trial-logs][data-stream=stderr]').getByText('trained with').waitFor();
    assert.match(page.url(), new RegExp(`trial=${bestName}`));
    assert.match(page.url(), /stream=stderr/);
    await shot('20-tuning-trial-logs');
    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'detached' });
    await page.getByTestId('trials-table').getByRole('button', { name: bestName }).click();
    await panel.getByRole('link', { name: "open the trial's run" }).click();
    await page.waitForURL(/#\/experiments\/\d+\/runs\/[0-9a-f]+/);
    await page.goBack();
    await page.getByTestId('trial-panel').waitFor();
  });

  await step('stop a running tuning experiment', async () => {
    // Its only trial's panel follows the log while the trial runs.
    await page.goto(`${base}/#/tuning/${tuning.sleeper.experiment_id}?trial=e2e-tuning-sleeper-0001`);
    await page.getByTestId('trials-table').getByText('RUNNING', { exact: true }).waitFor();
    await page.getByTestId('trial-logs').getByText('sleeping for the test').waitFor();
    await page.getByRole('button', { name: 'Stop experiment' }).click();
    await page.getByRole('button', { name: 'Yes, stop it' }).click();
    await page.getByTestId('tuning-state').getByText('STOPPED').waitFor();
    await page.getByTestId('trials-table').getByText('KILLED', { exact: true }).waitFor();
    await shot('21-tuning-stopped');
  });

  await step('tuning empty and error states', async () => {
    await page.goto(`${base}/#/tuning?state=FAILED`);
    await page.getByTestId('empty-state').getByText('No tuning experiment is failed').waitFor();
    await watch.allowing(/status of 404/, async () => {
      await page.goto(`${base}/#/tuning/0123456789abcdef0123456789abcdef`);
      await page.getByTestId('error-state').getByText('Could not load this tuning experiment').waitFor();
    });
  });

  const serving = await servingSeeded;
  await step('serving: deployments list and a deployment', async () => {
    assert.equal(serving.deployment.state, 'READY');
    await page.goto(`${base}/#/serving`);
    const row = page.getByTestId('deployments-table').locator(`tr[data-deployment="${SERVED_MODEL}"]`);
    await row.getByRole('link', { name: `${SERVED_MODEL} v1` }).waitFor();
    await row.getByText('READY').waitFor();
    // Predictions keep arriving while the page scrapes /metrics.
    const traffic = setInterval(() => predict(base, 1).catch(() => {}), 200);
    try {
      await row.locator('td.num').first().getByText('/s').waitFor();
      await shot('22-serving');
      await row.getByRole('link', { name: SERVED_MODEL, exact: true }).click();
      await page.getByTestId('deployment-state').getByText('READY').waitFor();
      await page.getByTestId('deployment-rate').getByText('/s').waitFor();
      await page.locator('[data-testid=rate-chart][data-drawn=true] canvas').first().waitFor({ timeout: 20_000 });
      await page.locator('[data-testid=latency-chart][data-drawn=true] canvas').first().waitFor();
    } finally {
      clearInterval(traffic);
    }
    await shot('23-deployment');
  });

  await step('serving: start a canary from the form, version lineage link', async () => {
    await page.getByLabel('New model URI').fill(`models:/${SERVED_MODEL}/2`);
    await page.getByLabel('Canary traffic percent').fill('25');
    await page.getByRole('button', { name: 'Start canary' }).click();
    const canary = page.getByRole('region', { name: 'Canary' });
    await canary.getByRole('link', { name: `${SERVED_MODEL} v2` }).waitFor();
    await canary.getByText('25% of requests').waitFor();
    const got = await cairnApi(base, 'GET', `serving/deployments/${SERVED_MODEL}`);
    assert.equal(got.deployment.canary_traffic_percent, 25);
    await shot('24-deployment-canary');
    await page.getByRole('button', { name: 'Remove the canary' }).click();
    await canary.waitFor({ state: 'detached' });
    await page.getByRole('region', { name: 'Primary' }).getByRole('link', { name: `${SERVED_MODEL} v1` }).click();
    await page.waitForURL(new RegExp(`#/models/${SERVED_MODEL}/versions/1`));
    await page.getByTestId('lineage').waitFor();
  });

  await step('pipeline empty and error states', async () => {
    await page.goto(`${base}/#/pipelines?state=CANCELLING`);
    await page.getByTestId('empty-state').getByText('No pipeline run is cancelling').waitFor();
    await watch.allowing(/status of 404/, async () => {
      await page.goto(`${base}/#/pipelines/runs/0123456789abcdef0123456789abcdef`);
      await page.getByTestId('error-state').getByText('Could not load this pipeline run').waitFor();
    });
  });

  await step('SPA fallback and not-found page', async () => {
    await page.goto(`${base}/some/deep/link`);
    await page.getByRole('heading', { name: 'Experiments' }).waitFor();
    await page.goto(`${base}/#/no/such/page`);
    await page.getByText('No such page').waitFor();
  });

  await step('under a path prefix (reverse proxy)', async () => {
    const target = new URL(base);
    const proxy = http.createServer((req, res) => {
      if (!req.url.startsWith('/cairn/')) {
        res.writeHead(404).end('outside the mount');
        return;
      }
      const upstream = http.request(
        { host: target.hostname, port: target.port, method: req.method, path: req.url.slice('/cairn'.length), headers: req.headers },
        (up) => {
          res.writeHead(up.statusCode, up.headers);
          up.pipe(res);
        },
      );
      req.pipe(upstream);
    });
    await new Promise((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const prefixed = `http://127.0.0.1:${proxy.address().port}/cairn/`;
    try {
      await page.goto(`${prefixed}#/experiments/${exp}/runs/${run0.id}?tab=metrics`);
      await page.locator('[data-testid=metric-chart][data-metric=loss][data-drawn=true]').waitFor();
      await page.goto(`${prefixed}#/experiments/${exp}`);
      await statusLine.getByText(`${RUNS + 1} runs loaded`).waitFor();
      await shot('12-under-prefix');
      await page.goto(`${prefixed}#/pipelines`);
      await page.getByTestId('pipeline-runs-table').getByRole('link', { name: 'e2e-demo-pipeline' }).waitFor();
      await page.goto(`${prefixed}#/pipelines/runs/${demoRun.run_id}?view=list`);
      await page.getByTestId('task-list').getByRole('button', { name: 'flaky' }).waitFor();
      await page.goto(`${prefixed}#/pipelines/runs/${demoRun.run_id}?task=train`);
      await page.getByTestId('task-logs').getByText('training on 3 rows').waitFor();
      await node('train', 'succeeded').waitFor();
      await page.goto(`${prefixed}#/tuning/${tuning.demo.experiment_id}?trial=${bestName}`);
      await page.locator('[data-testid=best-so-far][data-drawn=true] canvas').first().waitFor();
      await page.getByTestId('trial-logs').getByText('epoch 2: loss=').waitFor();
      await page.goto(`${prefixed}#/serving/${SERVED_MODEL}`);
      await page.getByTestId('deployment-state').getByText('READY').waitFor();
      // /metrics is fetched relative to the page too.
      await page.getByTestId('deployment-rate').getByText('/s').waitFor();
    } finally {
      proxy.close();
    }
  });

  assert.deepEqual(watch.errors, [], 'page or console errors');
  console.log(`e2e passed in ${((Date.now() - started) / 1000).toFixed(1)} s; screenshots in ${outDir}`);
} catch (e) {
  await page.screenshot({ path: join(outDir, 'failure.png') }).catch(() => {});
  console.error(`e2e FAILED: ${e.stack ?? e}`);
  if (watch.errors.length) console.error(`page/console errors:\n  ${watch.errors.join('\n  ')}`);
  console.error(`failure screenshot: ${join(outDir, 'failure.png')}`);
  process.exitCode = 1;
} finally {
  await browser.close();
  // Never leave the sleeper's process behind, whatever failed.
  const sleeper = await pipelinesSeeded.then((p) => p.sleeper, () => null);
  if (sleeper) await pipelinesApi(base, 'POST', 'runs/cancel', { run_id: sleeper.run_id }).catch(() => {});
  const tuningSleeper = await tuningSeeded.then((t) => t.sleeper, () => null);
  if (tuningSleeper) await cairnApi(base, 'POST', 'tuning/experiments/stop', { experiment_id: tuningSleeper.experiment_id }).catch(() => {});
}
