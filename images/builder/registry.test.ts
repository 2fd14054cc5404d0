import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { writeRegistryStorage } from './registry.ts';

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

test("an OCI layout becomes the registry's storage: blobs by digest, links per repository and tag", () => {
  const work = mkdtempSync(join(tmpdir(), 'registry-test-'));
  const layout = join(work, 'layout');
  mkdirSync(join(layout, 'blobs/sha256'), { recursive: true });
  const put = (data: string) => {
    writeFileSync(join(layout, 'blobs/sha256', sha(data)), data);
    return { digest: `sha256:${sha(data)}`, size: data.length };
  };
  const layer = put('layer bytes');
  const config = put('{"architecture":"386"}');
  const manifest = put(JSON.stringify({ schemaVersion: 2, config, layers: [layer] }));
  writeFileSync(join(layout, 'index.json'), JSON.stringify({ manifests: [manifest] }));
  writeFileSync(join(layout, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  const tar = join(work, 'img.tar');
  execFileSync('tar', ['-cf', tar, '-C', layout, '.']);

  const root = join(work, 'storage');
  const digests = writeRegistryStorage(root, [{ repo: 'library/demo', tag: 'v1', tarball: tar }], work);
  assert.deepEqual(digests, { 'library/demo:v1': manifest.digest });
  const v2 = join(root, 'docker/registry/v2');
  for (const d of [layer, config, manifest]) {
    const hex = d.digest.slice(7);
    assert.ok(existsSync(join(v2, 'blobs/sha256', hex.slice(0, 2), hex, 'data')), `blob ${hex} stored`);
  }
  const repo = join(v2, 'repositories/library/demo');
  assert.equal(readFileSync(join(repo, '_layers/sha256', layer.digest.slice(7), 'link'), 'utf8'), layer.digest);
  assert.equal(readFileSync(join(repo, '_layers/sha256', config.digest.slice(7), 'link'), 'utf8'), config.digest);
  assert.equal(readFileSync(join(repo, '_manifests/tags/v1/current/link'), 'utf8'), manifest.digest);
  assert.equal(readFileSync(join(repo, '_manifests/revisions/sha256', manifest.digest.slice(7), 'link'), 'utf8'), manifest.digest);
  assert.ok(!existsSync(join(repo, '_layers/sha256', manifest.digest.slice(7))), 'a manifest is not a layer');
});
