// The Web Worker that runs the lab machine, so emulation never blocks the page.
import './worker-shims.ts';
import v86Package from 'v86/package.json';
import { HttpAssets, LabMachine, parseJitSetting } from '../../vm/index.ts';
import { serveLab, type Port } from './worker-host.ts';
import { BROWSER_JIT } from './browser-jit.ts';
import { VerifiedAssets } from './image-check.ts';
import { CachedAssets } from './cached-assets.ts';
import { workerUnpacker } from './state-unpack.ts';

serveLab(self as unknown as Port, (base, jit) =>
  // A reset is a new worker (lab-client.ts): this machine needs no copy of the snapshot once restored.
  new LabMachine({ assets: new VerifiedAssets(new CachedAssets(new HttpAssets(base)), v86Package.version, workerUnpacker()), jit: parseJitSetting(jit) ?? BROWSER_JIT, keepSnapshot: false, promptOnRestore: true }),
);
