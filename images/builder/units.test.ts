// The builder's own enable/mask/set-default (what `systemctl --root` would link).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { enableUnits, installSection, maskUnits, setDefaultTarget } from './units.ts';

function guest(): string {
  const root = mkdtempSync(join(tmpdir(), 'units-'));
  const lib = join(root, 'usr/lib/systemd/system');
  const etc = join(root, 'etc/systemd/system');
  mkdirSync(lib, { recursive: true });
  mkdirSync(etc, { recursive: true });
  writeFileSync(join(lib, 'containerd.service'), '[Service]\nExecStart=/usr/bin/containerd\n\n[Install]\nWantedBy=multi-user.target\n');
  writeFileSync(join(lib, 'multi-user.target'), '[Unit]\nDescription=Multi-User\n');
  writeFileSync(join(lib, 'noisy.service'), '[Service]\nExecStart=/bin/true\n');
  writeFileSync(join(etc, 'lab.service'), '[Install]\nWantedBy=sysinit.target containerd.service\nRequiredBy=x.target\nAlias=lab-alias.service\nAlso=containerd.service\n');
  return root;
}

test('units: [Install] parsing splits lists and ignores other sections', () => {
  assert.deepEqual(installSection('[Unit]\nWantedBy=nope\n[Install]\n# c\nWantedBy=a.target b.target\nWantedBy=c.target\nAlias=x.service\n'), {
    WantedBy: ['a.target', 'b.target', 'c.target'],
    Alias: ['x.service'],
  });
});

test('units: enable links WantedBy, RequiredBy, Alias and follows Also, like systemctl enable', () => {
  const root = guest();
  enableUnits(root, ['lab.service']);
  const etc = join(root, 'etc/systemd/system');
  assert.equal(readlinkSync(join(etc, 'sysinit.target.wants/lab.service')), '/etc/systemd/system/lab.service');
  assert.equal(readlinkSync(join(etc, 'containerd.service.wants/lab.service')), '/etc/systemd/system/lab.service');
  assert.equal(readlinkSync(join(etc, 'x.target.requires/lab.service')), '/etc/systemd/system/lab.service');
  assert.equal(readlinkSync(join(etc, 'lab-alias.service')), '/etc/systemd/system/lab.service');
  assert.equal(readlinkSync(join(etc, 'multi-user.target.wants/containerd.service')), '/usr/lib/systemd/system/containerd.service');
});

test('units: enable refuses units with no [Install] section or that do not exist', () => {
  const root = guest();
  assert.throws(() => enableUnits(root, ['noisy.service']), /no \[Install\] section/);
  assert.throws(() => enableUnits(root, ['absent.service']), /no such unit/);
});

test('units: mask links to /dev/null and skips absent units; set-default links default.target', () => {
  const root = guest();
  assert.deepEqual(maskUnits(root, ['noisy.service', 'absent.service']), ['noisy.service']);
  assert.equal(readlinkSync(join(root, 'etc/systemd/system/noisy.service')), '/dev/null');
  setDefaultTarget(root, 'multi-user.target');
  assert.equal(readlinkSync(join(root, 'etc/systemd/system/default.target')), '/usr/lib/systemd/system/multi-user.target');
});
