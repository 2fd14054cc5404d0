import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DiskAssets } from './node-assets.ts';
import { LabMachine } from './machine.ts';
import { ImageMissingError } from './errors.ts';

test('a missing image says which file and names the command that builds it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'no-vm-'));
  await assert.rejects(LabMachine.start({ assets: new DiskAssets(dir) }), (e: unknown) => {
    assert.ok(e instanceof ImageMissingError);
    assert.match((e as Error).message, new RegExp(`${dir}/manifest.json`));
    assert.match((e as ImageMissingError).hint, /npm run lab:image/);
    return true;
  });
});
