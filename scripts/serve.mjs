#!/usr/bin/env node
// Serves the exported site (out/) for `npm start`, `npm run site:serve` and the browser tests.
// The server itself is src/server/main.ts (the same code the trainer's bundle ships as serve.mjs);
// this entry runs it through tsx, so the repo needs no build step to serve.
//   node scripts/serve.mjs [--host 0.0.0.0] [--port 3000] [--dir out] [--workshop] (--help for all)
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/server/main.ts');
await main(process.argv.slice(2));
