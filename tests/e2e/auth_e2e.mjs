// Browser test of signing in to a `cairn server --auth` (docs/auth.md):
// Debian's chromium (playwright-core) against the real binary.
//   node auth_e2e.mjs <cairn-url> <screenshot-dir> <admin-user> <admin-password>
// A deep link while signed out shows the login page; a wrong password is
// refused with a message; the right one lands on the deep-linked page; a
// write from the UI carries the CSRF token and works; a same-site form
// POST from another page (the browser sends the cookie, but no
// X-CSRF-Token) is refused and changes nothing; signing out from the user
// menu ends the session (a reload shows the login page again).
// The Account page (#/account): a personal access token created there works
// for a script (Bearer, from Node) until it is revoked there (then 401); a
// user created there gets a rate limit the API then reports; that user is
// deleted there; the admin's own password is changed there (Basic with the
// new one works, the old one is refused).
// Fails on any page or console error outside the expected 401/403s.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { launchBrowser, watchErrors } from './lib.mjs';

const [base, outDir, adminUser, adminPassword] = process.argv.slice(2);
if (!base || !outDir || !adminUser || !adminPassword) {
  console.error('usage: node auth_e2e.mjs <cairn-url> <screenshot-dir> <admin-user> <admin-password>');
  process.exit(2);
}
mkdirSync(outDir, { recursive: true });
const basicFor = (user, password) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
// Changes when the test changes the admin's password from the Account page.
let basic = basicFor(adminUser, adminPassword);
const step = async (name, fn) => {
  const t = Date.now();
  await fn();
  console.log(`ok  ${name} (${Date.now() - t} ms)`);
};

// The REST API as the admin, with HTTP Basic (what MLflow clients send).
async function adminApi(method, path, body) {
  const init = { method, headers: { Authorization: basic } };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers['Content-Type'] = 'application/json';
  }
  const res = await fetch(`${base}/api/2.0/mlflow/${path}`, init);
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} -> ${res.status}: ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : {};
}

// What a script does with credentials: one read; only the status matters.
async function statusWith(authorization) {
  const res = await fetch(`${base}/api/2.0/mlflow/experiments/search?max_results=1`, { headers: { Authorization: authorization } });
  await res.arrayBuffer();
  return res.status;
}

// Nothing answers without credentials.
const anonymous = await fetch(`${base}/api/2.0/mlflow/experiments/search?max_results=5`);
assert.equal(anonymous.status, 401);
await adminApi('POST', 'registered-models/create', { name: 'auth-e2e-model', description: 'Seeded for the login test' });

// A page on another port of the same host: same-site for the browser (the
// port is not part of the site), so SameSite=Strict does not stop the
// cookie; only the CSRF token can.
const attacker = http.createServer((req, res) => {
  res.writeHead(200, { 'Content-Type': 'text/html' });
  res.end(`<!doctype html><title>attacker</title>
<form id="f" method="POST" enctype="text/plain" action="${base}/api/2.0/mlflow/registered-models/create">
<input name='{"name":"csrf-victim","x":"' value='"}'></form>
<script>document.getElementById('f').submit();</script>`);
});
await new Promise((resolve) => attacker.listen(0, '127.0.0.1', resolve));

const browser = await launchBrowser();
const page = await browser.context.newPage();
page.setDefaultTimeout(15_000);
const watch = watchErrors(page);
const shot = (name) => page.screenshot({ path: join(outDir, `${name}.png`) });
const deepLink = `${base}/#/models/auth-e2e-model`;

try {
  await step('signed out: a deep link shows the login page', async () => {
    await watch.allowing(/status of 401/, async () => {
      await page.goto(deepLink);
      await page.getByRole('heading', { name: 'Sign in to cairn' }).waitFor();
    });
    await shot('auth-01-login');
  });

  await step('a wrong password is refused with a message', async () => {
    await watch.allowing(/status of 401/, async () => {
      await page.getByLabel('Username').fill(adminUser);
      await page.getByLabel('Password').fill('not-the-password');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('alert').getByText('Wrong username or password.').waitFor();
    });
    assert.equal(await page.getByLabel('Password').inputValue(), '');
    assert.ok(!page.url().includes('not-the-password'));
    await shot('auth-02-wrong-password');
  });

  await step('the right password lands on the deep-linked page', async () => {
    await page.getByLabel('Password').fill(adminPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'auth-e2e-model' }).waitFor();
    assert.equal(new URL(page.url()).hash, '#/models/auth-e2e-model');
    await page.locator('.user-menu .user-name').getByText(adminUser, { exact: true }).waitFor();
    const storage = await page.evaluate(() => JSON.stringify({ ...localStorage, ...sessionStorage }) + document.cookie);
    assert.ok(!storage.includes(adminPassword), 'the password is in storage');
    assert.ok(!storage.includes('cairn_session'), 'the session cookie is readable by scripts (not HttpOnly)');
    await shot('auth-03-signed-in');
  });

  await step('a write from the UI carries the CSRF token', async () => {
    await page.getByLabel('Model tags: new key').fill('owner');
    await page.getByLabel('Model tags: new value').fill('team-auth');
    await page.getByRole('button', { name: 'Set tag' }).click();
    await page.getByRole('cell', { name: 'team-auth' }).waitFor();
    const model = await adminApi('GET', 'registered-models/get?name=auth-e2e-model');
    assert.ok(model.registered_model.tags.some((t) => t.key === 'owner' && t.value === 'team-auth'));
  });

  await step('a same-site form POST without the CSRF token is refused', async () => {
    const other = await browser.context.newPage();
    const otherWatch = watchErrors(other);
    await otherWatch.allowing(/status of 403/, async () => {
      await other.goto(`http://127.0.0.1:${attacker.address().port}/`);
      await other.waitForURL(/registered-models\/create/);
      await other.getByText('PERMISSION_DENIED').waitFor();
    });
    await other.screenshot({ path: join(outDir, 'auth-04-csrf-refused.png') });
    await other.close();
    // Chromium also asks the JSON page's origin for /favicon.ico (a 404),
    // whenever it gets to it.
    assert.deepEqual(otherWatch.errors.filter((e) => !e.includes('/favicon.ico')), []);
    const search = await adminApi('GET', 'registered-models/search?max_results=100');
    assert.ok(!(search.registered_models ?? []).some((m) => m.name.startsWith('csrf-victim')), 'the forged POST created a model');
    // The same from a script of the app's own origin, without the header.
    const status = await watch.allowing(/status of 403/, () =>
      page.evaluate(async () => {
        const res = await fetch('api/2.0/mlflow/registered-models/create', {
          method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"name":"csrf-victim-2"}',
        });
        return [res.status, (await res.json()).error_code];
      }),
    );
    assert.deepEqual(status, [403, 'PERMISSION_DENIED']);
  });

  await step('account page: a token created there works for a script', async () => {
    await page.locator('.user-menu summary').click();
    await page.getByRole('link', { name: 'Account and tokens' }).click();
    await page.getByRole('heading', { name: 'Access tokens' }).waitFor();
    assert.equal(new URL(page.url()).hash, '#/account');
    await page.getByLabel('Token name').fill('e2e-script');
    await page.getByLabel('Expires in').selectOption('7');
    await page.getByRole('button', { name: 'Create token' }).click();
    const shown = page.getByLabel('New access token');
    await shown.waitFor();
    const token = await shown.inputValue();
    assert.match(token, /^cairn_pat_/);
    const snippet = await page.getByTestId('new-token').locator('pre').textContent();
    assert.ok(snippet.includes(`export MLFLOW_TRACKING_URI=${base}`), snippet);
    assert.ok(snippet.includes(`export MLFLOW_TRACKING_TOKEN=${token}`), snippet);
    // The copy button puts exactly the token on the clipboard.
    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
    await page.getByRole('button', { name: 'Copy token' }).click();
    await page.getByText('Copied.').waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), token);
    const row = page.locator('tr[data-token-id]', { hasText: 'e2e-script' });
    await row.locator('.badge', { hasText: 'active' }).waitFor();
    assert.equal(await statusWith(`Bearer ${token}`), 200);
    const listed = await fetch(`${base}/api/2.0/cairn/auth/tokens/list`, { headers: { Authorization: basic } }).then((r) => r.json());
    const info = listed.tokens.find((t) => t.name === 'e2e-script');
    assert.ok(info && info.expires_time - info.created_time === 7 * 86400_000, JSON.stringify(listed));
    await shot('auth-06-account-token');
    await page.getByRole('button', { name: 'Done, hide the token' }).click();
    assert.equal(await page.getByLabel('New access token').count(), 0);
    assert.ok(!(await page.content()).includes(token), 'the token is still on the page');

    // Revoked there, the same script call is refused.
    await page.getByRole('button', { name: 'Revoke e2e-script' }).click();
    assert.equal(await statusWith(`Bearer ${token}`), 200, 'revoked before the confirmation');
    await page.getByRole('button', { name: 'Yes, revoke e2e-script' }).click();
    await row.locator('.badge', { hasText: 'revoked' }).waitFor();
    assert.equal(await statusWith(`Bearer ${token}`), 401);
    await shot('auth-07-account-revoked');
  });

  await step('account page: an admin creates a user and sets a limit', async () => {
    await page.getByRole('heading', { name: 'Users' }).waitFor();
    assert.equal(await page.locator('tr[data-username="cairn-task"]').count(), 0);
    await page.getByLabel('New username').fill('e2e-user');
    await page.getByLabel('Initial password').fill('e2e-user-password');
    await page.getByRole('button', { name: 'Create user' }).click();
    const row = page.locator('tr[data-username="e2e-user"]');
    await row.waitFor();
    assert.equal(await row.locator('[data-limit=requests_per_second] dd').textContent(), 'server default');
    assert.equal(await statusWith(basicFor('e2e-user', 'e2e-user-password')), 200);
    await page.getByRole('button', { name: 'Edit limits of e2e-user' }).click();
    await page.getByLabel('Requests per second for e2e-user').fill('7');
    await page.getByRole('button', { name: 'Save limits' }).click();
    await row.locator('[data-limit=requests_per_second] dd', { hasText: '7' }).waitFor();
    assert.equal(await row.locator('[data-limit=max_request_bytes] dd').textContent(), 'server default');
    const stored = await adminApi('GET', 'users/get?username=e2e-user');
    assert.deepEqual(stored.user.limits, { requests_per_second: 7 });
    // A value the server refuses: its message, and nothing changes.
    await page.getByRole('button', { name: 'Edit limits of e2e-user' }).click();
    await page.getByLabel('Max request bytes for e2e-user').fill('0');
    await watch.allowing(/status of 400/, async () => {
      await page.getByRole('button', { name: 'Save limits' }).click();
      await row.getByRole('alert').getByText('max_request_bytes').waitFor();
    });
    await page.getByRole('button', { name: 'Cancel' }).click();
    assert.deepEqual((await adminApi('GET', 'users/get?username=e2e-user')).user.limits, { requests_per_second: 7 });
    await shot('auth-08-account-users');
  });

  await step('account page: an admin deletes the user', async () => {
    await page.getByRole('button', { name: 'Delete e2e-user' }).click();
    await page.getByRole('button', { name: 'Yes, delete e2e-user' }).click();
    await page.locator('tr[data-username="e2e-user"]').waitFor({ state: 'detached' });
    // Asked as the admin: a refused login would count towards the lockout
    // of this client address.
    const gone = await fetch(`${base}/api/2.0/mlflow/users/get?username=e2e-user`, { headers: { Authorization: basic } });
    assert.equal(gone.status, 404, await gone.text());
  });

  await step('account page: the admin changes their own password', async () => {
    const newPassword = `${adminPassword}-2`;
    const form = page.getByRole('form', { name: 'Change your password' });
    await form.getByLabel('New password').fill(newPassword);
    await form.getByLabel('Repeat it').fill(newPassword);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('Password changed.').waitFor();
    assert.equal(await statusWith(basicFor(adminUser, newPassword)), 200);
    assert.equal(await statusWith(basicFor(adminUser, adminPassword)), 401);
    basic = basicFor(adminUser, newPassword);
    // The UI session outlives the change (a reload keeps it); back to the
    // deep-linked page for the sign-out step.
    await page.goto(deepLink);
    await page.getByRole('heading', { name: 'auth-e2e-model' }).waitFor();
  });

  await step('sign out ends the session', async () => {
    await page.locator('.user-menu summary').click();
    await watch.allowing(/status of 401/, async () => {
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('heading', { name: 'Sign in to cairn' }).waitFor();
      await page.reload();
      await page.getByRole('heading', { name: 'Sign in to cairn' }).waitFor();
    });
    assert.equal(new URL(page.url()).hash, '#/models/auth-e2e-model');
    await shot('auth-05-signed-out');
  });

  assert.deepEqual(watch.errors, [], 'page or console errors');
  console.log('auth e2e passed');
} catch (e) {
  await page.screenshot({ path: join(outDir, 'auth-failure.png') }).catch(() => {});
  console.error(`auth e2e FAILED: ${e.stack ?? e}`);
  if (watch.errors.length) console.error(`page/console errors:\n  ${watch.errors.join('\n  ')}`);
  process.exitCode = 1;
} finally {
  attacker.close();
  await browser.close();
}
