// `tsx scripts/build-sw.ts [--out out]`: the last step of `npm run site:build`. Gives the lab
// image's files in out/vm/ content-hashed names, then builds the service worker (src/sw/sw.ts,
// bundled by esbuild) into out/sw.js with the precache list Serwist's injectManifest writes into it.
import { build } from 'esbuild';
import { injectManifest } from '@serwist/build';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { giveLabFilesHashedNames, labPrecacheEntries, type PrecacheEntry } from '../src/sw/export.ts';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outFlag = process.argv.indexOf('--out');
const OUT = resolve(outFlag >= 0 ? process.argv[outFlag + 1] : join(REPO, 'out'));

function fail(message: string): never {
  process.stderr.write(`\nbuild-sw failed: ${message}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  if (!existsSync(join(OUT, 'index.html'))) fail(`${OUT} holds no exported site. Run \`npm run site:build\` (it runs this step last).`);
  const vmDir = join(OUT, 'vm');
  let labEntries: PrecacheEntry[] = [];
  if (existsSync(join(vmDir, 'manifest.json'))) {
    const manifest = giveLabFilesHashedNames(vmDir);
    labEntries = labPrecacheEntries(vmDir, manifest);
  } else {
    console.warn('build-sw: no lab image in out/vm/ (run `npm run lab:image`): the site works offline, the lab does not.');
  }

  const tmp = mkdtempSync(join(tmpdir(), 'runtime-lab-sw-'));
  try {
    const bundled = join(tmp, 'sw.js');
    await build({
      entryPoints: [join(REPO, 'src/sw/sw.ts')],
      outfile: bundled,
      bundle: true,
      // A classic script: module service workers are still missing in some browsers learners use.
      format: 'iife',
      platform: 'browser',
      target: 'es2022',
      minify: true,
      define: { 'process.env.NODE_ENV': '"production"' },
      logLevel: 'warning',
    });
    const { count, size, warnings } = await injectManifest({
      swSrc: bundled,
      swDest: join(OUT, 'sw.js'),
      globDirectory: OUT,
      globPatterns: ['**/*'],
      // The lab image is cached on first use or by the page's download (hundreds of MB), never at install.
      globIgnores: ['vm/**', '**/*.map'],
      additionalPrecacheEntries: labEntries,
      // Next's hashed chunks need no cache-busting revision.
      dontCacheBustURLsMatching: /^_next\/static\//,
      // Pagefind's wasm and the largest chunks exceed Serwist's 2 MB default.
      maximumFileSizeToCacheInBytes: 16 * 1024 * 1024,
    });
    for (const w of warnings) console.warn(`build-sw: ${w}`);
    console.log(`build-sw: out/sw.js precaches ${count} files (${(size / 1e6).toFixed(1)} MB)${labEntries.length ? ' and the lab\'s manifest and fs.json' : ''}`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e) => fail(e instanceof Error ? e.message : String(e)));
