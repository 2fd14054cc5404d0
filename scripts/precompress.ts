// `tsx scripts/precompress.ts [--out out]`: the last step of `npm run site:build`. Writes brotli
// and gzip siblings (<file>.br, <file>.gz) of the exported site's compressible files, which the
// server sends to browsers that accept them (src/server/precompress.ts).
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { precompressFolder } from '../src/server/precompress.ts';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outFlag = process.argv.indexOf('--out');
const OUT = resolve(outFlag >= 0 ? process.argv[outFlag + 1] : join(REPO, 'out'));

if (!existsSync(join(OUT, 'index.html'))) {
  process.stderr.write(`\nprecompress failed: ${OUT} holds no exported site. Run \`npm run site:build\`.\n`);
  process.exit(1);
}
const t0 = Date.now();
const r = await precompressFolder(OUT);
const mb = (n: number) => (n / 1e6).toFixed(1);
console.log(`precompress: ${r.siblings} siblings of ${r.files} files, ${mb(r.bytesBefore)} MB -> ${mb(r.bytesBrotli)} MB as brotli (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
