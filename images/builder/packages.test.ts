import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inRange, parseRange } from './packages.ts';

test('ranges are Debian version relations', () => {
  assert.deepEqual(parseRange('>= 2.0 << 3'), [['>=', '2.0'], ['<<', '3']]);
  assert.deepEqual(parseRange(''), []);
  assert.throws(() => parseRange('>= 2.0 <<'), /bad version range/);
  assert.throws(() => parseRange('~> 2'), /bad operator/);
});

test('versions are compared the way dpkg compares them', () => {
  assert.ok(inRange('2.1.9+ds1-5', '>= 2.0 << 3'));
  assert.ok(!inRange('1.6.20~ds1-1+deb12u3', '>= 2.0 << 3'));
  assert.ok(!inRange('3.0.0-1', '>= 2.0 << 3'));
  assert.ok(inRange('1:1.38.0-3+b1', '>= 1:1.36'));
  assert.ok(!inRange('1.38.0-3', '>= 1:1.36'), 'an epoch outranks any upstream version');
  assert.ok(inRange('6.1.176-1', '>= 6.1 << 6.2'));
  assert.ok(inRange('anything', ''));
});
