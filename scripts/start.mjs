#!/usr/bin/env node
// `npm start`: make sure the lab image is current (building it when the host can), build the static
// site, and serve it on 0.0.0.0:3000 (`npm start -- --workshop` adds the trainer's view).
import { existsSync, rmSync, symlinkSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

// Where `npm run lab:image` publishes the image: public/vm/, unless LAB_VM_DIR moves it.
const vmDir = resolve(process.env.LAB_VM_DIR ?? 'public/vm');

const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

// lab:image builds the image, or publishes the cached build that matches the recipe (seconds), so
// an image left from an older recipe is replaced. One already in place is served if that fails.
const haveImage = existsSync(`${vmDir}/manifest.json`) && existsSync(`${vmDir}/state.bin.zst`);
if (!haveImage) console.log(`The lab image is missing (${vmDir}). Building it: npm run lab:image`);
const built = spawnSync('npm', ['run', '-s', 'lab:image'], { stdio: 'inherit' });
if (built.status !== 0) {
  if (!haveImage) {
    console.error('\nCould not build the lab image. Build it with:\n\n  npm run lab:image\n\nthen run `npm start` again.');
    process.exit(1);
  }
  console.error(`\nCould not rebuild the lab image; serving the one in ${vmDir} as it is.`);
}
run('npm', ['run', '-s', 'site:build']);
// next build copies public/vm into out/vm; an image published elsewhere is linked in instead.
if (vmDir !== resolve('public/vm')) {
  rmSync('out/vm', { recursive: true, force: true });
  symlinkSync(vmDir, 'out/vm', 'dir');
}
// Options after `npm start --` go to the server (e.g. --workshop, --port 8080; --help lists them).
run('node', ['scripts/serve.mjs', '--dir', 'out', ...process.argv.slice(2)]);
