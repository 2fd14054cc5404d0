// The lab's own registry, in the real lab image: started on demand, it serves the images the build
// put in its storage, and a mirror for docker.io in containerd's hosts configuration makes
// `ctr images pull` and `crictl pull` of an image the store does not hold succeed with no network.
// The registry's access log proves the bytes came from it. Its start is timed.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startLab } from '../../src/vm/node.ts';
import type { LabMachine } from '../../src/vm/machine.ts';

let lab: LabMachine;
before(async () => {
  lab = await startLab();
});
after(async () => {
  await lab?.destroy();
});

async function sh(script: string, timeout = 240_000): Promise<string> {
  const r = await lab.exec(script, { timeout });
  assert.equal(r.exitCode, 0, `\`${script}\` exited ${r.exitCode}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r.stdout;
}

const HELLO = 'docker.io/runtimelab/hello:1';
const MIRROR = `mkdir -p /etc/containerd/certs.d/docker.io
cat > /etc/containerd/certs.d/docker.io/hosts.toml <<'EOF'
server = "https://registry-1.docker.io"

[host."http://127.0.0.1:5000"]
  capabilities = ["pull", "resolve"]
EOF`;
/** The CRI plugin reads hosts directories only where config_path says (empty by default). */
const CONFIG_PATH = `sed -i "/\\[plugins.'io.containerd.cri.v1.images'.registry\\]/,/config_path/ s#config_path = ''#config_path = '/etc/containerd/certs.d'#" /etc/containerd/config.toml
systemctl restart containerd
until crictl info >/dev/null 2>&1; do sleep 1; done
containerd config dump | sed -n "/\\[plugins.'io.containerd.cri.v1.images'.registry\\]/,/config_path/p" | awk -F"'" '/config_path/ { print $2 }'`;
/** Requests for a blob of runtimelab/hello in the registry's log, so far. */
const BLOB_GETS = `journalctl -u docker-registry --no-pager -o cat | grep -c 'GET /v2/runtimelab/hello/blobs/sha256:' || true`;

test('the registry is not running in the saved state, and starts on demand', async () => {
  assert.equal((await lab.exec('systemctl is-active docker-registry')).stdout.trim(), 'inactive');
  const t0 = Date.now();
  await sh('systemctl start docker-registry && until busybox wget -qO- http://127.0.0.1:5000/v2/ >/dev/null 2>&1; do sleep 0.5; done');
  process.stdout.write(`registry: start to first answer ${((Date.now() - t0) / 1000).toFixed(1)} s (in Node; includes reading its binary over 9p)\n`);
  const catalog = JSON.parse(await sh('busybox wget -qO- http://127.0.0.1:5000/v2/_catalog')) as { repositories: string[] };
  assert.deepEqual(catalog.repositories.sort(), ['library/busybox', 'library/nginx', 'runtimelab/hello']);
});

test('crictl pull of an image not in the store goes through the docker.io mirror to the local registry', async () => {
  assert.doesNotMatch(await sh('crictl images -q; ctr -n k8s.io images ls -q'), /runtimelab\/hello/);
  await sh(MIRROR);
  assert.equal((await sh(CONFIG_PATH)).trim(), '/etc/containerd/certs.d');
  const before = Number((await sh(BLOB_GETS)).trim());
  await sh(`crictl pull ${HELLO}`);
  assert.match(await sh('crictl images'), /docker\.io\/runtimelab\/hello\s+1\s/);
  const after = Number((await sh(BLOB_GETS)).trim());
  assert.ok(after >= before + 2, `the registry's log shows ${after - before} blob requests for the pull (config and layer expected)`);
  await sh(`crictl rmi ${HELLO}`);
});

test('ctr images pull with the same hosts directory, then the image runs', async () => {
  const before = Number((await sh(BLOB_GETS)).trim());
  await sh(`ctr images pull --hosts-dir /etc/containerd/certs.d ${HELLO}`);
  const after = Number((await sh(BLOB_GETS)).trim());
  assert.ok(after > before, 'ctr pulled the blobs from the local registry');
  assert.match(await sh(`ctr run --rm ${HELLO} hello-from-registry`), /Hello from the lab's own registry/);
  await sh(`ctr images rm ${HELLO} && systemctl stop docker-registry && rm -rf /etc/containerd/certs.d/docker.io`);
});

test('without the mirror, the same pull fails: there is no network', async () => {
  const r = await lab.exec(`timeout 60 ctr images pull ${HELLO}`, { timeout: 120_000 });
  assert.notEqual(r.exitCode, 0);
});
