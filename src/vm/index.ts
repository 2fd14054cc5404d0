// The lab machine's public surface. Node-only helpers live in node.ts.
export { LabMachine, LAB_JIT, parseJitSetting, type ExecResult, type ExecOptions, type StartOptions, type JitTuning } from './machine.ts';
export { HttpAssets, type AssetSource } from './assets.ts';
export type { Manifest, MachineSettings } from './manifest.ts';
export type { LabEvents } from './events.ts';
export * from './errors.ts';
