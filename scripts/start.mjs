#!/usr/bin/env node
// `npm start`: make sure the lab image exists (building it when the host can), build the static
// site, and serve it on 0.0.0.0:3000.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

if (!existsSync('public/vm/manifest.json') || !existsSync('public/vm/state.bin.zst')) {
  console.log('The lab image is missing (public/vm/). Building it: npm run lab:image');
  const r = spawnSync('npm', ['run', '-s', 'lab:image'], { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error('\nCould not build the lab image. Build it with:\n\n  npm run lab:image\n\nthen run `npm start` again.');
    process.exit(1);
  }
}
run('npm', ['run', '-s', 'site:build']);
run('node', ['scripts/serve.mjs', '--host', '0.0.0.0', '--port', process.env.PORT ?? '3000', '--dir', 'out']);
