// The lab's crictl (images/crictl): its Go unit tests, run on the host with the Go toolchain the
// image build unpacked into the build cache (GOARCH=386 binaries run natively on x86_64 hosts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { CRICTL_SRC, goEnv, lastGoToolchain } from './crictl.ts';

test('crictl: go test (flag parsing, ID matching, output formats, YAML, logs)', (t) => {
  const tc = lastGoToolchain();
  if (!tc) {
    t.skip('no Go toolchain unpacked yet: run `npm run lab:image` first (npm test does)');
    return;
  }
  const r = spawnSync(tc.go, ['test', '-count=1', '.'], { cwd: CRICTL_SRC, env: goEnv(tc), encoding: 'utf8', timeout: 600_000 });
  assert.equal(r.status, 0, `go test failed:\n${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /^ok\s/m);
});

test('crictl: go vet', (t) => {
  const tc = lastGoToolchain();
  if (!tc) {
    t.skip('no Go toolchain unpacked yet');
    return;
  }
  const r = spawnSync(tc.go, ['vet', '.'], { cwd: CRICTL_SRC, env: goEnv(tc), encoding: 'utf8', timeout: 600_000 });
  assert.equal(r.status, 0, `go vet:\n${r.stdout}\n${r.stderr}`);
});
