// Hostile TLS clients against a running `cairn server --tls-cert ...`:
// half-open handshakes, garbage, plain HTTP, TLS 1.0/1.1-only clients and
// weak ciphers, while a well-behaved client must keep being served.
// Usage: node hostile.mjs <port> <ca-cert.pem> <handshake-timeout-seconds>
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';

const [port, caFile, timeoutArg] = [Number(process.argv[2]), process.argv[3], Number(process.argv[4])];
const ca = readFileSync(caFile);
const host = '127.0.0.1';
const log = (what) => console.log(`ok  ${what}`);

// A well-behaved HTTPS request; resolves with [status, body, ms].
function goodRequest(path = '/health') {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const req = https.get({ host, port, path, ca, servername: 'localhost', agent: false, timeout: 5000 }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve([res.statusCode, body, Date.now() - started]));
    });
    req.on('timeout', () => req.destroy(new Error('good request timed out')));
    req.on('error', reject);
  });
}

// Opens a raw TCP connection, writes `bytes`, and resolves with the time
// until the server closed it (or rejects after `limitMs`).
function rawConnection(bytes, limitMs) {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = net.connect({ host, port }, () => socket.write(bytes));
    let received = Buffer.alloc(0);
    socket.on('data', (d) => (received = Buffer.concat([received, d])));
    socket.on('error', () => {}); // a reset also counts as closed
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ ms: Date.now() - started, received });
    });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`server kept the connection open for ${limitMs} ms`));
    }, limitMs);
  });
}

// A TLS client with the given options; resolves with the negotiated
// protocol and cipher, or rejects with the handshake error.
function tlsClient(options) {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host, port, ca, servername: 'localhost', ...options }, () => {
      const result = { protocol: socket.getProtocol(), cipher: socket.getCipher().name };
      socket.end();
      resolve(result);
    });
    socket.on('error', reject);
    socket.setTimeout(5000, () => socket.destroy(new Error('TLS client timed out')));
  });
}

async function expectRefused(options, what, pattern) {
  const error = await tlsClient(options).then(
    (r) => assert.fail(`${what}: the server accepted ${r.protocol} ${r.cipher}`),
    (e) => e,
  );
  assert.match(`${error.code} ${error.message}`, pattern, `${what}: unexpected error ${error.code} ${error.message}`);
  log(`${what} refused (${error.code})`);
}

// 1. Half-open handshakes: a ClientHello record header announcing 512 bytes,
// then nothing. Far more of them than there are I/O threads.
const partialHello = Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03]);
const stalled = Array.from({ length: 64 }, () => rawConnection(partialHello, (timeoutArg + 10) * 1000));
// A silent client (connects, sends nothing) is held to the same deadline.
stalled.push(rawConnection(Buffer.alloc(0), (timeoutArg + 10) * 1000));
await new Promise((r) => setTimeout(r, 200));
for (let i = 0; i < 5; i++) {
  const [status, , ms] = await goodRequest();
  assert.equal(status, 200);
  // Blocked behind the stalled handshakes it would take the whole timeout.
  assert.ok(ms < (timeoutArg * 1000) / 2, `a request took ${ms} ms while handshakes were stalled`);
}
log('65 stalled handshakes: other clients are served meanwhile');
const closed = await Promise.all(stalled);
for (const { ms } of closed) {
  assert.ok(ms >= timeoutArg * 1000 - 300, `a stalled handshake was closed after ${ms} ms, before the timeout`);
  assert.ok(ms < (timeoutArg + 5) * 1000, `a stalled handshake was closed only after ${ms} ms`);
}
log(`stalled handshakes closed by the server after ~${timeoutArg} s (${Math.min(...closed.map((c) => c.ms))}..${Math.max(...closed.map((c) => c.ms))} ms)`);

// 2. Garbage: random bytes, and random bytes behind a TLS record header.
for (const [what, bytes] of [
  ['random bytes', Buffer.concat([Buffer.from([0x00]), randomBytes(4095)])],
  ['garbage after a TLS record header', Buffer.concat([Buffer.from([0x16, 0x03, 0x01, 0x10, 0x00]), randomBytes(4091)])],
  ['a TLS alert record instead of a hello', Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28])],
]) {
  const { ms, received } = await rawConnection(bytes, 5000);
  assert.ok(!received.toString('latin1').includes('HTTP/1.1 200'), `${what}: got an HTTP answer`);
  log(`${what}: connection closed after ${ms} ms`);
}

// 3. Plain HTTP to the HTTPS port: a clear 400, then the close.
const plain = await new Promise((resolve, reject) => {
  http.get({ host, port, path: '/health', agent: false }, (res) => {
    let body = '';
    res.on('data', (c) => (body += c));
    res.on('end', () => resolve([res.statusCode, res.headers.connection, body]));
  }).on('error', reject);
});
assert.equal(plain[0], 400);
assert.equal(plain[1], 'close');
assert.equal(JSON.parse(plain[2]).error_code, 'BAD_REQUEST');
assert.match(JSON.parse(plain[2]).message, /https:\/\//);
log('plain HTTP gets 400 {"error_code":"BAD_REQUEST"} and the close');

// 4. Protocol versions and ciphers. SECLEVEL=0 lets this client offer the
// old versions at all; the refusal must come from the server.
await expectRefused({ minVersion: 'TLSv1', maxVersion: 'TLSv1', ciphers: 'DEFAULT@SECLEVEL=0' }, 'a TLS 1.0-only client',
  /PROTOCOL_VERSION|protocol version|unsupported protocol/i);
await expectRefused({ minVersion: 'TLSv1.1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' }, 'a TLS 1.1-only client',
  /PROTOCOL_VERSION|protocol version|unsupported protocol/i);
await expectRefused({ maxVersion: 'TLSv1.2', ciphers: 'ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA' }, 'a TLS 1.2 client offering only CBC ciphers',
  /HANDSHAKE_FAILURE|handshake failure|no shared cipher/i);
const v12 = await tlsClient({ minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' });
assert.equal(v12.protocol, 'TLSv1.2');
assert.match(v12.cipher, /^ECDHE-ECDSA-(AES(128|256)-GCM-SHA(256|384)|CHACHA20-POLY1305)$/);
log(`TLS 1.2 accepted with ${v12.cipher}`);
const v13 = await tlsClient({ minVersion: 'TLSv1.3' });
assert.equal(v13.protocol, 'TLSv1.3');
log(`TLS 1.3 accepted with ${v13.cipher}`);
// A client that does not trust the certificate stops itself.
await tlsClient({ ca: undefined }).then(
  () => assert.fail('a client without the CA accepted the self-signed certificate'),
  (e) => assert.match(e.code, /SELF_SIGNED|UNABLE_TO_VERIFY|DEPTH_ZERO/),
);
log('a client without the CA refuses the certificate');

// 5. Still healthy.
const [status] = await goodRequest();
assert.equal(status, 200);
log('the server still serves');
