// Shared by the browser test (e2e.mjs) and the UI benchmark
// (bench/ui_bench.mjs): REST helpers that fill a real cairn server through
// the public MLflow API, and a headless Debian chromium driven by
// playwright-core (installed in web/node_modules; no browser download).
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = join(here, '..', '..');
const requireFromWeb = createRequire(join(repoRoot, 'web', 'package.json'));

export async function api(base, method, path, body) {
  const url = `${base}/api/2.0/mlflow/${path}`;
  const init = { method, headers: {} };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers['Content-Type'] = 'application/json';
  }
  const res = await fetch(url, init);
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} -> ${res.status}: ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : {};
}

// cairn's pipelines API (docs/protocols/cairn-pipelines.md): GET takes a
// query object, POST a JSON body.
export async function pipelinesApi(base, method, path, payload = {}) {
  let url = `${base}/api/2.0/cairn/pipelines/${path}`;
  const init = { method, headers: {} };
  if (method === 'GET') url += `?${new URLSearchParams(payload)}`;
  else {
    init.body = JSON.stringify(payload);
    init.headers['Content-Type'] = 'application/json';
  }
  const res = await fetch(url, init);
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} pipelines/${path} -> ${res.status}: ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : {};
}

// cairn's other REST APIs under /api/2.0/cairn/ (tuning, serving): GET
// takes a query object, other methods a JSON body.
export async function cairnApi(base, method, path, payload = {}) {
  let url = `${base}/api/2.0/cairn/${path}`;
  const init = { method, headers: {} };
  if (method === 'GET') url += `?${new URLSearchParams(payload)}`;
  else {
    init.body = JSON.stringify(payload);
    init.headers['Content-Type'] = 'application/json';
  }
  const res = await fetch(url, init);
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} -> ${res.status}: ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : {};
}

export async function upload(base, runId, path, content) {
  const res = await fetch(
    `${base}/ajax-api/2.0/mlflow/upload-artifact?run_uuid=${runId}&path=${encodeURIComponent(path)}`,
    { method: 'POST', body: content, headers: { 'Content-Type': 'application/octet-stream' } },
  );
  if (!res.ok) throw new Error(`upload ${path} -> ${res.status}: ${await res.text()}`);
}

// Runs `fn` over `items` with at most `limit` in flight.
export async function pool(items, limit, fn) {
  const results = new Array(items.length);
  let next = 0;
  async function worker() {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

// A deterministic pseudo-random generator, so seeded data (and the numbers
// the test expects) are the same on every run.
export function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export async function launchBrowser({ width = 1400, height = 900 } = {}) {
  const { chromium } = requireFromWeb('playwright-core');
  const profile = mkdtempSync(join(tmpdir(), 'cairn-e2e-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--disable-dev-shm-usage',
    ],
    viewport: { width, height },
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

// Collects page errors and console errors; `allow` temporarily accepts
// console errors matching a pattern (an expected 400 in an error-state test).
export function watchErrors(page) {
  const errors = [];
  let allowed = null;
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const text = msg.text();
    if (allowed && allowed.test(text)) return;
    errors.push(`console.error: ${text} (${msg.location()?.url ?? ''})`);
  });
  return {
    errors,
    async allowing(pattern, fn) {
      allowed = pattern;
      try {
        return await fn();
      } finally {
        allowed = null;
      }
    },
  };
}
