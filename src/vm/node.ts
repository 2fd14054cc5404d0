// Starting the lab machine from Node (tests, CLI, benchmark, image builder): files from public/vm.
import { LabMachine, type StartOptions } from './machine.ts';
import { DiskAssets } from './node-assets.ts';

export { DiskAssets, DEFAULT_VM_DIR } from './node-assets.ts';

export function startLab(opts: Partial<StartOptions> = {}): Promise<LabMachine> {
  return LabMachine.start({ assets: new DiskAssets(), ...opts });
}
