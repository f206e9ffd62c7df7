// Browser test of the web dashboard: Debian's chromium (playwright-core)
// against the real cairn binary filled through the REST API (seed.mjs).
//   node e2e.mjs <cairn-url> <screenshot-dir>
// Walks: experiments list -> runs table -> filter -> sort -> run page
// (overview, chart drawn, zoom refetch, artifact previews) -> compare two
// runs -> models -> set an alias -> version lineage; plus deep links, an
// error state, the SPA fallback and the app under a path prefix (a proxy).
// Fails on any page error or console error. Screenshots of every page.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { api, launchBrowser, watchErrors } from './lib.mjs';
import { RUNS, seedDemo } from './seed.mjs';

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
}
