import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostDebianMirrors } from './apt.ts';

test('finds the Debian archive in deb822 and one-line sources, skipping security and other repos', () => {
  const etc = mkdtempSync(join(tmpdir(), 'apt-'));
  mkdirSync(join(etc, 'sources.list.d'));
  writeFileSync(join(etc, 'sources.list.d/debian.sources'), `Types: deb
URIs: http://mirror.example/debian
Suites: bookworm bookworm-updates
Components: main

Types: deb
URIs: http://mirror.example/debian-security
Suites: bookworm-security
Components: main
`);
  writeFileSync(join(etc, 'sources.list.d/other.list'), 'deb [arch=amd64] https://vendor.example/apt stable main\n');
  writeFileSync(join(etc, 'sources.list'), '# deb http://commented.example/debian sid main\ndeb http://second.example/debian/ bookworm main\n');
  assert.deepEqual(hostDebianMirrors(etc), ['http://second.example/debian', 'http://mirror.example/debian']);
});

test('a disabled deb822 stanza does not count', () => {
  const etc = mkdtempSync(join(tmpdir(), 'apt-'));
  mkdirSync(join(etc, 'sources.list.d'));
  writeFileSync(join(etc, 'sources.list.d/x.sources'), 'Enabled: no\nTypes: deb\nURIs: http://off.example/debian\nSuites: sid\n');
  assert.deepEqual(hostDebianMirrors(etc), []);
});
