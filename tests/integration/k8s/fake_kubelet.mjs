// Plays kubelet for the pods the scheduler binds to the fake node of
// tests/infra/k8s.sh (nothing runs containers there): every pod bound and
// still Pending is reported finished. Its exit code is the number after
// "CAIRN_FAKE_EXIT=" in the container's command, 0 when absent, so a test
// pipeline says in its own step how that step ends; a command holding
// "CAIRN_FAKE_HOLD" is left running; "CAIRN_FAKE_PUSH_METRIC name=value" logs
// that metric to the pod's MLflow run first (a trial's Push collector); an
// image under registry.invalid/ is reported failing to pull (ErrImagePull).
//   node fake_kubelet.mjs KUBECONFIG      (runs until killed)
import fs from 'fs';

const kubeconfig = fs.readFileSync(process.argv[2], 'utf8');
const server = kubeconfig.match(/server: "([^"]+)"/)[1];
const token = kubeconfig.match(/token: "([^"]+)"/)[1];
// The test server's certificate is self-signed.
process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';

async function api(method, path, body, type) {
  const res = await fetch(server + path, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': type ?? 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json().catch(() => ({})) };
}

const done = new Set();
async function tick() {
  const { status, body } = await api('GET', '/api/v1/pods?fieldSelector=spec.nodeName%3Dcairn-fake-node');
  if (status !== 200) return;
  for (const pod of body.items ?? []) {
    const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
    if (pod.status?.phase !== 'Pending' || done.has(key)) continue;
    const command = (pod.spec.containers[0].command ?? []).join(' ');
    if (command.includes('CAIRN_FAKE_HOLD')) continue;  // a step that never ends (cancel tests)
    // An image from registry.invalid cannot be pulled: reported as a
    // kubelet does, the pod stays Pending with the container waiting.
    if (pod.spec.containers[0].image.startsWith('registry.invalid/')) {
      const image = pod.spec.containers[0].image;
      const r = await api('PATCH', `/api/v1/namespaces/${pod.metadata.namespace}/pods/${pod.metadata.name}/status`, {
        status: {
          containerStatuses: [{
            name: pod.spec.containers[0].name, ready: false, restartCount: 0, image, imageID: '',
            state: { waiting: { reason: 'ErrImagePull',
                                message: `failed to pull and unpack image "${image}": no such host` } },
          }],
        },
      }, 'application/strategic-merge-patch+json');
      if (r.status === 200) {
        done.add(key);
        console.log(`fake kubelet: ${key} ErrImagePull`);
      }
      continue;
    }
    // A trial that reports its objective by pushing it to MLflow (Katib's
    // Push collector): done here for the container that never runs, with
    // the pod's own MLFLOW_TRACKING_URI and MLFLOW_RUN_ID.
    const push = command.match(/CAIRN_FAKE_PUSH_METRIC (\w+)=([-0-9.e]+)/);
    if (push) {
      const env = Object.fromEntries((pod.spec.containers[0].env ?? []).map((e) => [e.name, e.value]));
      const res = await fetch(`${env.MLFLOW_TRACKING_URI}/api/2.0/mlflow/runs/log-metric`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ run_id: env.MLFLOW_RUN_ID, key: push[1], value: Number(push[2]),
                               timestamp: Date.now(), step: 0 }),
      });
      if (!res.ok) { console.error(`fake kubelet: log-metric for ${key}: HTTP ${res.status}`); continue; }
    }
    const m = command.match(/CAIRN_FAKE_EXIT=(\d+)/);
    const exitCode = m ? Number(m[1]) : 0;
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const patch = {
      status: {
        phase: exitCode === 0 ? 'Succeeded' : 'Failed',
        containerStatuses: [{
          name: pod.spec.containers[0].name, ready: false, restartCount: 0, image: pod.spec.containers[0].image,
          imageID: '', state: { terminated: { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error',
                                              startedAt: now, finishedAt: now } },
        }],
      },
    };
    const r = await api('PATCH', `/api/v1/namespaces/${pod.metadata.namespace}/pods/${pod.metadata.name}/status`,
                        patch, 'application/strategic-merge-patch+json');
    if (r.status === 200) {
      done.add(key);
      console.log(`fake kubelet: ${key} exit ${exitCode}`);
    }
  }
}

for (;;) {
  await tick().catch((e) => console.error(`fake kubelet: ${e.message}`));
  await new Promise((r) => setTimeout(r, 200));
}
