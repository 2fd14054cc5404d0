// The lab's crictl (images/crictl): its Go unit tests and vet, run on the host, for the host's
// architecture, with the Go toolchain the image build unpacked into the build cache. The test
// command builds the image first; without a toolchain these tests fail rather than skip.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { CRICTL_SRC, goEnv, hostGoArch, lastGoToolchain } from './crictl.ts';

const NO_TOOLCHAIN = 'no Go toolchain unpacked in the build cache: run `npm run lab:image` first (npm test does)';

test('crictl: go test (flag parsing, ID matching, output formats, YAML, logs)', () => {
  const tc = lastGoToolchain();
  assert.ok(tc, NO_TOOLCHAIN);
  const r = spawnSync(tc.go, ['test', '-count=1', '.'], { cwd: CRICTL_SRC, env: goEnv(tc, undefined, hostGoArch()), encoding: 'utf8', timeout: 600_000 });
  assert.equal(r.status, 0, `go test failed:\n${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /^ok\s/m);
});

test('crictl: go vet (for the guest, i386)', () => {
  const tc = lastGoToolchain();
  assert.ok(tc, NO_TOOLCHAIN);
  const r = spawnSync(tc.go, ['vet', '.'], { cwd: CRICTL_SRC, env: goEnv(tc), encoding: 'utf8', timeout: 600_000 });
  assert.equal(r.status, 0, `go vet:\n${r.stdout}\n${r.stderr}`);
});
