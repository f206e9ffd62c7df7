// UI performance (bench/ui_bench.sh): fills a fresh cairn with 10,000 runs
// x (PARAMS params + METRICS metrics) and 5 runs with a 100,000-point metric,
// then measures in headless Chromium:
//   * time to interactive of the experiment page (first page of runs shown),
//   * a header click that re-sorts server-side,
//   * loading all 10,000 runs by scrolling, and scroll frame times,
//   * compare page: 5 series x 100,000 points drawn (server downsampled),
//   * the same chart on the run page, and a zoom (detail refetch).
//   node ui_bench.mjs <cairn-url>
import { api, launchBrowser, pool, watchErrors } from './lib.mjs';

const base = process.argv[2];
const RUNS = Number(process.env.UI_BENCH_RUNS ?? 10000);
const PARAMS = Number(process.env.UI_BENCH_PARAMS ?? 100);
const METRICS = Number(process.env.UI_BENCH_METRICS ?? 100);
const POINTS = Number(process.env.UI_BENCH_POINTS ?? 100000);
const results = [];
const report = (what, value) => {
  results.push([what, value]);
  console.log(`${what}: ${value}`);
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function seedRuns() {
  const { experiment_id } = await api(base, 'POST', 'experiments/create', { name: 'bench-10k' });
  const t = Date.now();
  await pool(Array.from({ length: RUNS }, (_, i) => i), 6, async (i) => {
    const { run } = await api(base, 'POST', 'runs/create', {
      experiment_id,
      run_name: `run-${i}`,
      start_time: 1767600000000 + i * 1000,
      tags: [{ key: 'mlflow.source.name', value: 'bench.py' }],
    });
    await api(base, 'POST', 'runs/log-batch', {
      run_id: run.info.run_id,
      params: Array.from({ length: PARAMS }, (_, k) => ({ key: `p${String(k).padStart(3, '0')}`, value: String((i * 31 + k * 7) % 97) })),
      metrics: Array.from({ length: METRICS }, (_, k) => ({
        key: `m${String(k).padStart(3, '0')}`,
        value: ((i * 7919 + k * 104729) % 10007) / 10007,
        timestamp: 1767600000000 + i * 1000,
        step: 0,
      })),
    });
  });
  report(`seed: ${RUNS} runs x ${PARAMS} params + ${METRICS} metrics over REST`, `${((Date.now() - t) / 1000).toFixed(1)} s`);
  return experiment_id;
}

async function seedSeries() {
  const { experiment_id } = await api(base, 'POST', 'experiments/create', { name: 'bench-series' });
  const t = Date.now();
  const ids = [];
  for (let r = 0; r < 5; r++) {
    const { run } = await api(base, 'POST', 'runs/create', { experiment_id, run_name: `series-${r}`, start_time: 1767600000000 });
    ids.push(run.info.run_id);
    const batches = Array.from({ length: POINTS / 1000 }, (_, b) => b);
    await pool(batches, 4, (b) =>
      api(base, 'POST', 'runs/log-batch', {
        run_id: run.info.run_id,
        metrics: Array.from({ length: 1000 }, (_, k) => {
          const step = b * 1000 + k;
          return { key: 'loss', value: Math.exp(-step / 20000) + 0.1 * Math.sin(step / (50 + r * 10)) + 0.02 * ((step * 7919) % 13), timestamp: 1767600000000 + step * 100, step };
        }),
      }),
    );
  }
  report(`seed: 5 runs x ${POINTS.toLocaleString('en-US')} points`, `${((Date.now() - t) / 1000).toFixed(1)} s`);
  return { experimentId: experiment_id, ids };
}

async function serverTimes(runId) {
  const time = async (url) => {
    const ms = [];
    let bytes = 0;
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      const res = await fetch(url);
      bytes = (await res.arrayBuffer()).byteLength;
      ms.push(performance.now() - t);
    }
    return `median ${median(ms).toFixed(0)} ms, ${(bytes / 1024).toFixed(0)} KiB`;
  };
  report(
    `server: get-history, ${POINTS.toLocaleString('en-US')} points (what an MLflow UI fetches)`,
    await time(`${base}/ajax-api/2.0/mlflow/metrics/get-history?run_id=${runId}&metric_key=loss`),
  );
  report(
    'server: cairn downsampled, 1000 buckets (what cairn\'s UI fetches)',
    await time(`${base}/ajax-api/2.0/cairn/metrics/downsampled?run_id=${runId}&metric_key=loss&buckets=1000`),
  );
}

const experimentId = await seedRuns();
const series = await seedSeries();
await serverTimes(series.ids[0]);

const browser = await launchBrowser({ width: 1400, height: 900 });
const page = await browser.context.newPage();
page.setDefaultTimeout(120_000);
const watch = watchErrors(page);
try {
  // Time to interactive: navigation start -> first page of runs rendered.
  const tti = [];
  for (let i = 0; i < 4; i++) {
    await page.goto('about:blank');
    await page.goto(`${base}/#/experiments/${experimentId}`);
    await page.locator('[role=row][aria-rowindex="2"]').waitFor();
    await page.getByTestId('runs-status').getByText(/runs loaded/).waitFor();
    tti.push(await page.evaluate(() => performance.getEntriesByName('runs:shown')[0].startTime));
  }
  report(
    `experiment page, ${RUNS.toLocaleString('en-US')} runs x ${PARAMS + METRICS} columns: time to interactive (first 200 runs shown), first visit / median of 3 with the app cached`,
    `${tti[0].toFixed(0)} / ${median(tti.slice(1)).toFixed(0)} ms`,
  );
  report('  cells in the DOM (virtualized rows and columns)', String(await page.locator('.cell').count()));

  const sortMs = [];
  for (const dir of ['descending', 'ascending', 'descending']) {
    await page.evaluate(() => performance.clearMarks('runs:shown'));
    const t = await page.evaluate(() => performance.now());
    await page.locator('[role=columnheader][data-col="metrics.m000"] button').click();
    await page.locator(`[role=columnheader][data-col="metrics.m000"][aria-sort=${dir}]`).waitFor();
    await page.getByTestId('runs-status').getByText(/^200 runs loaded/).waitFor();
    sortMs.push((await page.evaluate(() => performance.getEntriesByName('runs:shown')[0].startTime)) - t);
  }
  report('sort by a metric column (server-side, 200-run page re-rendered; median of 3)', `${median(sortMs).toFixed(0)} ms`);

  // Load everything by scrolling, then measure frame times while scrolling.
  const t0 = await page.evaluate(() => performance.now());
  for (;;) {
    const status = await page.getByTestId('runs-status').textContent();
    if (status && status.startsWith(`${RUNS.toLocaleString('en-US')} runs loaded`) && !status.includes('more on scroll')) break;
    await page.evaluate(() => {
      const g = document.querySelector('[data-testid=runs-grid]');
      g.scrollTop = g.scrollHeight;
    });
    await page.waitForTimeout(20);
  }
  const loadAll = (await page.evaluate(() => performance.now())) - t0;
  report(`load all ${RUNS.toLocaleString('en-US')} runs by scrolling (pages of 200)`, `${(loadAll / 1000).toFixed(1)} s`);
  const heap = await page.evaluate(() => performance.memory?.usedJSHeapSize ?? 0);
  report('  JS heap with all of them loaded', `${(heap / 2 ** 20).toFixed(0)} MiB`);
  // Frame times while scrolling: a fast wheel-like scroll (96 px = 3 rows
  // per frame) and a worst case that jumps to unseen rows and columns every
  // frame. 16.7 ms is one frame at 60 Hz.
  const frames = (jump) =>
    page.evaluate(async (jump) => {
      const g = document.querySelector('[data-testid=runs-grid]');
      g.scrollTop = 0;
      g.scrollLeft = 0;
      await new Promise((r) => requestAnimationFrame(r));
      const times = [];
      let last = performance.now();
      for (let i = 0; i < 240; i++) {
        if (jump) {
          g.scrollTop = (g.scrollHeight * ((i * 37) % 240)) / 240;
          g.scrollLeft = (g.scrollWidth * (i % 20)) / 20;
        } else {
          g.scrollTop += 96;
        }
        await new Promise((r) => requestAnimationFrame(r));
        const now = performance.now();
        times.push(now - last);
        last = now;
      }
      times.sort((a, b) => a - b);
      return { median: times[120], p95: times[228], max: times[239] };
    }, jump);
  const fmt = (f) => `${f.median.toFixed(1)} / ${f.p95.toFixed(1)} / ${f.max.toFixed(1)} ms`;
  report(`scroll ${RUNS.toLocaleString('en-US')} loaded runs, 3 rows per frame: frame time median / p95 / max`, fmt(await frames(false)));
  report('jump to unseen rows and columns every frame (worst case): frame time median / p95 / max', fmt(await frames(true)));

  // Charts: 5 series x POINTS points on the compare page.
  const drawn = [];
  for (let i = 0; i < 3; i++) {
    await page.goto('about:blank');
    await page.goto(`${base}/#/experiments/${series.experimentId}/compare?runs=${series.ids.join(',')}&metrics=loss`);
    await page.locator('[data-testid=metric-chart][data-metric=loss][data-drawn=true]').waitFor();
    drawn.push(await page.evaluate(() => performance.getEntriesByName('chart:loss:drawn')[0].startTime));
  }
  const meta = await page.locator('[data-testid=metric-chart][data-metric=loss] .chart-meta').textContent();
  report(`compare page, 5 series x ${POINTS.toLocaleString('en-US')} points: navigation -> chart drawn (median of 3)`, `${median(drawn).toFixed(0)} ms (${meta.trim()})`);

  await page.goto(`${base}/#/experiments/${series.experimentId}/runs/${series.ids[0]}?tab=metrics`);
  const chart = page.locator('[data-testid=metric-chart][data-metric=loss]');
  await page.locator('[data-testid=metric-chart][data-metric=loss][data-drawn=true]').waitFor();
  const box = await chart.locator('.u-over').boundingBox();
  await page.evaluate(() => performance.clearMarks());
  const tz = await page.evaluate(() => performance.now());
  await page.mouse.move(box.x + box.width * 0.3, box.y + 50);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.35, box.y + 50, { steps: 3 });
  await page.mouse.up();
  await chart.getByRole('button', { name: 'Reset zoom' }).waitFor();
  await page.locator('[data-testid=metric-chart][data-metric=loss][data-drawn=true]').waitFor();
  await page.waitForFunction(() => performance.getEntriesByName('chart:loss:drawn').length > 0);
  const zoomMs = (await page.evaluate(() => performance.getEntriesByName('chart:loss:drawn').at(-1).startTime)) - tz;
  const zmeta = (await chart.locator('.chart-meta').textContent()).replace('Reset zoom', '');
  report('run page: zoom into 5% of a 100,000-point series -> detail refetched and drawn', `${zoomMs.toFixed(0)} ms (${zmeta.trim()})`);

  if (watch.errors.length) throw new Error(`page errors: ${watch.errors.join('; ')}`);
} finally {
  await browser.close();
}

console.log('\n| measurement | result |\n|---|---|');
for (const [k, v] of results) console.log(`| ${k} | ${v} |`);
