// The Web Worker that runs the lab machine, so emulation never blocks the page.
import './worker-shims.ts';
import { HttpAssets, LabMachine } from '../vm/index.ts';
import { serveLab, type Port } from './worker-host.ts';

serveLab(self as unknown as Port, (base) => new LabMachine({ assets: new HttpAssets(base) }));
