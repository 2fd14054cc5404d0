// The Web Worker that runs the lab machine, so emulation never blocks the page.
import './worker-shims.ts';
import v86Package from 'v86/package.json';
import { HttpAssets, LabMachine, parseJitSetting } from '../../vm/index.ts';
import { serveLab, type Port } from './worker-host.ts';
import { BROWSER_JIT } from './browser-jit.ts';
import { VerifiedAssets } from './image-check.ts';

serveLab(self as unknown as Port, (base, jit) =>
  new LabMachine({ assets: new VerifiedAssets(new HttpAssets(base), v86Package.version), jit: parseJitSetting(jit) ?? BROWSER_JIT }),
);
