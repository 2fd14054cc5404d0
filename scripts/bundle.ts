// `npm run bundle`: the archive a trainer carries to a room with no internet.
//   dist/runtime-lab-<version>.tar.gz → runtime-lab-<version>/{serve.mjs, site/, README.txt}
// serve.mjs is src/server/main.ts compiled into one file that needs nothing but Node.js 20+;
// site/ is the exported site (out/) with the lab image, and the .br/.gz siblings of its
// compressible files (scripts, styles, pages, the wasm) that site:build wrote (made here if missing:
// src/server/precompress.ts), which the server sends when a browser accepts them.
//   npx tsx scripts/bundle.ts [--site out] [--out dist]
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, linkSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { precompressFolder } from '../src/server/precompress.ts';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Builds serve.mjs: the server and whatever it imports, one ES module, node: imports only. */
export async function buildServerScript(outfile: string, version: string): Promise<void> {
  const result = await build({
    entryPoints: [join(repo, 'src/server/main.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    define: { RUNTIME_LAB_VERSION: JSON.stringify(version) },
    banner: {
      js: [
        '#!/usr/bin/env node',
        `// Runtime Lab ${version}: the workshop server. Run: node serve.mjs --help`,
        // CommonJS code bundled into an ES module calls require() for Node's builtins; give it one.
        "import { createRequire as __runtimeLabCreateRequire } from 'node:module';",
        'const require = __runtimeLabCreateRequire(import.meta.url);',
      ].join('\n'),
    },
    legalComments: 'inline',
    logLevel: 'silent',
    metafile: true,
  });
  // The bundle must run where nothing is installed: any import left that is not node: is a bug.
  const foreign = Object.values(result.metafile.outputs).flatMap((o) => o.imports.filter((i) => i.external && !isBuiltin(i.path)).map((i) => i.path));
  if (foreign.length) throw new Error(`serve.mjs would need packages at run time (${[...new Set(foreign)].join(', ')}); the server may import node: modules only.`);
}

/** Every file under dir (symlinks followed: out/vm may link to a published image elsewhere). */
function walk(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) walk(path, out);
    else out.push(path);
  }
  return out;
}

/** A hard link where the filesystem allows (the image is ~200 MB), else a copy. */
function place(from: string, to: string): void {
  mkdirSync(dirname(to), { recursive: true });
  try {
    linkSync(from, to);
  } catch {
    copyFileSync(from, to);
  }
}

export function readmeText(version: string): string {
  return `Runtime Lab ${version}: a workshop in a folder
=============================================

Lessons on container runtimes, each beside a real Linux (containerd, runc, crun) that runs inside
the learner's browser. This folder serves them to a room: no internet, no install, no build.

What you need: Node.js 20 or newer (https://nodejs.org) on the trainer's machine (Linux, macOS or
Windows), and a network the learners share with it (the room's Wi-Fi, or the laptop's hotspot).
Learners need a current browser (Chrome, Edge, Firefox, Safari) and about 1 GB of free memory.

Start
-----
Open a terminal in this folder (on Windows: PowerShell or Command Prompt), then:

    node serve.mjs

It prints the addresses to give learners, with a QR code of the first LAN address, e.g.

    Local:    http://localhost:3000/
    Network:  http://192.168.1.20:3000/

Learners open the Network address. Stop the server with Ctrl+C.

Options
-------
    node serve.mjs --port 8080          another port (or set PORT=8080)
    node serve.mjs --host 192.168.1.20  listen on one address only (default: all of them)
    node serve.mjs --workshop           also the trainer's view of the room: learners may opt in on
                                        the page with a display name, and the server prints
                                        "Trainer view: http://.../trainer?token=..." (keep the token
                                        to yourself). Progress is kept in workshop-data/ in the
                                        current folder (--data <folder> to move it).
    node serve.mjs --help               every option

If learners cannot connect: the machine's firewall must allow incoming connections to Node.js on
that port (Windows asks the first time: allow it on private networks; macOS may ask too), and
some guest Wi-Fi networks keep devices apart ("client isolation"): use a hotspot or another network.

Offline use, and what a plain-HTTP address means
------------------------------------------------
The first visit downloads about 50 MB (the page and the lab's saved machine); each learner's
browser keeps what it fetched.
- On http://localhost (the trainer's own machine) the site installs a service worker and works
  fully offline after the first visit, even with the server stopped.
- On a LAN address such as http://192.168.1.20:3000/ it cannot: browsers allow service workers
  only on https:// or localhost. What remains is the ordinary browser cache: files whose names
  carry their content's hash (the site's scripts, the lab's file store) are kept and reused
  without asking, the rest is checked with the server on each visit (a cheap "not modified").
  So keep the server running for the whole workshop; a learner who reloads while it is down
  gets an error until it is back.

What is in this folder
----------------------
    serve.mjs    the server (one file, no dependencies: only Node.js itself)
    site/        the site, with the lab image in site/vm/ (manifest.json lists every file and its
                 sha256). Files ending in .br and .gz are compressed copies the server sends to
                 browsers that accept them.
    README.txt   this text
`;
}

export interface BundleResult {
  archive: string;
  folder: string;
  files: number;
  bytes: number;
}

export async function buildBundle({ siteDir, outDir, log = console.log }: { siteDir: string; outDir: string; log?: (line: string) => void }): Promise<BundleResult> {
  const started = performance.now();
  const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;
  if (!existsSync(join(siteDir, 'index.html'))) throw new Error(`No exported site in ${siteDir}. Build it first: npm run site:build`);
  if (!existsSync(join(siteDir, 'vm', 'manifest.json'))) throw new Error(`The site in ${siteDir} has no lab image (vm/manifest.json). Build it (npm run lab:image), then npm run site:build.`);
  const { version } = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { version: string };
  const name = `runtime-lab-${version}`;
  const folder = join(outDir, name);
  const archive = join(outDir, `${name}.tar.gz`);
  rmSync(folder, { recursive: true, force: true });
  rmSync(archive, { force: true });
  mkdirSync(folder, { recursive: true });

  await buildServerScript(join(folder, 'serve.mjs'), version);
  log(`[bundle ${elapsed()}] serve.mjs built (${(statSync(join(folder, 'serve.mjs')).size / 1024).toFixed(0)} KB)`);

  const site = join(folder, 'site');
  const sources = walk(siteDir);
  for (const file of sources) place(file, join(site, relative(siteDir, file)));
  log(`[bundle ${elapsed()}] ${sources.length} site files placed in ${relative(repo, site)}`);

  const packed = await precompressFolder(site);
  log(`[bundle ${elapsed()}] ${packed.siblings} precompressed siblings for ${packed.files} files (${(packed.bytesBefore / 1e6).toFixed(1)} MB, ${(packed.bytesBrotli / 1e6).toFixed(1)} MB as brotli)`);

  // LF line ends: Windows' Notepad reads them since Windows 10.
  writeFileSync(join(folder, 'README.txt'), readmeText(version));

  // GNU tar: hard links are stored as plain files, so any unpacker (Windows' tar too) gets real files.
  const tar = spawnSync('tar', ['--create', '--gzip', '--hard-dereference', '--owner=0', '--group=0', '--numeric-owner', '--file', archive, '-C', outDir, name], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (tar.status !== 0) throw new Error(`tar failed (exit ${tar.status ?? tar.signal}) writing ${archive}.`);
  const bytes = statSync(archive).size;
  log(`[bundle ${elapsed()}] ${relative(process.cwd(), archive)}: ${(bytes / 1e6).toFixed(1)} MB (unpacked folder kept in ${relative(process.cwd(), folder)})`);
  return { archive, folder, files: walk(folder).length, bytes };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { site: { type: 'string' }, out: { type: 'string' } } });
  buildBundle({ siteDir: resolve(values.site ?? join(repo, 'out')), outDir: resolve(values.out ?? join(repo, 'dist')) }).then(
    (r) => console.log(`Bundle ready: ${r.archive}\nUnpack it anywhere with Node.js 20+ and run: node serve.mjs`),
    (e) => {
      console.error(`Bundle failed: ${(e as Error).message}`);
      process.exit(1);
    },
  );
}
