// Errors for people: each says what happened and what to do about it.

export class LabError extends Error {
  constructor(
    message: string,
    /** What the person can do next, shown under the message. */
    readonly hint: string,
    readonly code: string,
  ) {
    super(message);
    this.name = 'LabError';
  }
  toString(): string {
    return `${this.message}\n${this.hint}`;
  }
}

export class ImageMissingError extends LabError {
  constructor(what: string) {
    super(`The lab image is not built: ${what} is missing.`, 'Build it with `npm run lab:image` (needs root and a Debian mirror; about 10 minutes the first time).', 'image-missing');
  }
}

export class ImageLoadError extends LabError {
  constructor(what: string, detail: string) {
    super(`Could not load ${what}: ${detail}.`, 'Check the connection (or the file server) and reload. If the files were rebuilt, reload without cache.', 'image-load');
  }
}

export class WasmUnsupportedError extends LabError {
  constructor() {
    super('This browser cannot run WebAssembly, which the lab machine needs.', 'Use a current Chrome, Firefox, Edge or Safari, and make sure WebAssembly is not disabled by a policy or extension.', 'no-wasm');
  }
}

export class BootTimeoutError extends LabError {
  constructor(stage: string, seconds: number, lastKernelLines: string) {
    super(
      `The lab machine did not ${stage} within ${seconds} s.` + (lastKernelLines ? `\nLast kernel messages:\n${lastKernelLines}` : ''),
      'Reset the lab. If it keeps happening, rebuild the image with `npm run lab:image`.',
      'boot-timeout',
    );
  }
}

export class ExecTimeoutError extends LabError {
  constructor(readonly command: string, readonly timeoutMs: number) {
    super(
      `Timed out after ${(timeoutMs / 1000).toFixed(timeoutMs < 10000 ? 1 : 0)} s: \`${command.length > 120 ? command.slice(0, 117) + '...' : command}\` did not finish, and was stopped.`,
      'The machine is still usable. If commands keep timing out, the guest may be overloaded: reset the lab.',
      'exec-timeout',
    );
    this.name = 'ExecTimeoutError';
  }
}

export class MachineGoneError extends LabError {
  constructor(why: 'reset' | 'destroyed') {
    super(
      why === 'reset' ? 'The command was cut short because the lab was reset.' : 'The lab machine was shut down.',
      why === 'reset' ? 'Run it again.' : 'Start the lab again.',
      why === 'reset' ? 'machine-reset' : 'machine-destroyed',
    );
  }
}

export class EmulatorCrashedError extends LabError {
  constructor(readonly detail: string) {
    super(
      `The emulator stopped: v86 met something in the guest it does not implement (${detail}; v86 printed its reason to the console).`,
      'What ran since the last reset is lost; your lesson progress is kept. Reset the lab to go on.',
      'emulator-crashed',
    );
    this.name = 'EmulatorCrashedError';
  }
}

export class AgentRestartedError extends LabError {
  constructor() {
    super(
      'The lab\'s guest agent restarted, and the command it was running is gone.',
      'Run it again. If this keeps happening, reset the lab.',
      'agent-restarted',
    );
    this.name = 'AgentRestartedError';
  }
}
