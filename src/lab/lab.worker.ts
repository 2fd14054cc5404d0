// The Web Worker that runs the lab machine, so emulation never blocks the page.
import './worker-shims.ts';
import { HttpAssets, LabMachine, parseJitSetting } from '../vm/index.ts';
import { serveLab, type Port } from './worker-host.ts';
import { BROWSER_JIT } from './browser-jit.ts';

serveLab(self as unknown as Port, (base, jit) => new LabMachine({ assets: new HttpAssets(base), jit: parseJitSetting(jit) ?? BROWSER_JIT }));
