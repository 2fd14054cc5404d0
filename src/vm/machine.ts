// The one driver of the lab machine: boots or restores v86, runs commands through the guest agent,
// exposes the learner's console, resets to the snapshot. The page (in a Web Worker), the image
// builder, the tests, the CLI and the benchmark all use this module.
import { V86 } from 'v86';
import type { AssetSource } from './assets.ts';
import { AgentRestartedError, BootTimeoutError, EmulatorCrashedError, ExecTimeoutError, LabError, MachineGoneError, WasmUnsupportedError } from './errors.ts';
import { Emitter, type LabEvents } from './events.ts';
import type { Manifest } from './manifest.ts';
import { LineSplitter, encodeExec, encodeKill, encodePing, parseAgentLine, type AgentMessage } from './protocol.ts';
import { FileCache, newFileCounters, type FileStats } from './file-cache.ts';
import { packedMemoryRange, unreadPages, type SnapshotPages } from './snapshot-layout.ts';

type Pong = Extract<AgentMessage, { kind: 'pong' }>;

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  durationMs: number;
  /** The exact bytes of stdout and stderr (the strings decode them as UTF-8). */
  stdoutBytes?: Uint8Array;
  stderrBytes?: Uint8Array;
  /** Set when the guest agent cut a stream at 1 MiB (the rest was dropped in the guest). */
  truncated?: { stdout: boolean; stderr: boolean };
}

export interface ExecOptions {
  /** Milliseconds before the command is killed and the call fails with ExecTimeoutError. */
  timeout?: number;
}

export interface StartOptions {
  assets: AssetSource;
  /** Restore the saved snapshot (default), or boot the kernel cold (the image builder does). */
  mode?: 'restore' | 'boot';
  /** v86's x86-to-wasm JIT: on with the lab's tuning (default), off, or with other limits. */
  jit?: boolean | JitTuning;
  /** Bytes of 9p file contents kept after the guest closes them (v86 alone drops them at once). */
  fileCacheBytes?: number;
  /** Limits for boot (cold) and restore, in milliseconds. */
  bootTimeoutMs?: number;
  readyTimeoutMs?: number;
  /** Set the guest clock to the host's after a restore (default true). */
  syncClock?: boolean;
  /**
   * Keep the compressed snapshot for reset() (default true). The page resets with a new worker, so
   * its machine lets the 40 MB go once restored.
   */
  keepSnapshot?: boolean;
  /**
   * After a restore, press Enter in the console as the agent is asked whether it is there, so the
   * console's shell prints a prompt meanwhile (the page's terminal starts empty), not after.
   */
  promptOnRestore?: boolean;
}

/** Limits on what v86 compiles as one wasm module (its set_jit_config). */
export interface JitTuning {
  /** Guest pages per module (v86's default 3). */
  maxPages: number;
  /** Extra basic blocks followed per module (v86's default 250). */
  maxExtraBasicBlocks: number;
}

/**
 * Small modules: a restore empties v86's JIT cache, and the first commands after it pay for
 * regenerating and compiling the guest's hot code. Measured in Node (ctr run after restore, first /
 * second): default limits 19-22 / 11 s, these 11-13 / 7-8 s, with less memory (bench/).
 */
export const LAB_JIT: JitTuning = { maxPages: 1, maxExtraBasicBlocks: 10 };

/**
 * A JIT setting as text (a CLI flag, a URL parameter): "off", "lab" (LAB_JIT), "v86" (v86's own
 * limits) or "<pages>,<blocks>". Anything else is undefined.
 */
export function parseJitSetting(text: string | null | undefined): boolean | JitTuning | undefined {
  if (!text) return undefined;
  if (text === 'off') return false;
  if (text === 'lab') return LAB_JIT;
  if (text === 'v86') return { maxPages: 3, maxExtraBasicBlocks: 250 };
  const m = /^(\d+),(\d+)$/.exec(text);
  return m ? { maxPages: Number(m[1]), maxExtraBasicBlocks: Number(m[2]) } : undefined;
}

interface Pending {
  resolve: (m: Extract<AgentMessage, { kind: 'result' }>) => void;
  reject: (e: Error) => void;
}

/** How often an idle machine is pinged; each ping costs the guest a process or two. */
const WATCHDOG_MS = 10_000;

/** v86 writes its BIOS ROMs below 1 MiB when it creates the machine; above, a new emulator's RAM is zero. */
const BIOS_AREA_END = 0x100000;

/** At most this much typed input goes to the guest in one receive buffer (Linux gives it pages). */
const CONSOLE_INPUT_CHUNK = 1024;
/** Typed input kept while the guest takes none; beyond it, keys are dropped. */
const CONSOLE_INPUT_LIMIT = 1 << 20;

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * What v86's unpack_memory does, from where the snapshot is kept: each run of non-zero pages read
 * straight to its place in the guest's memory. The memory is new, so zero but for the BIOS area.
 */
function readPages(cpu: GuestCpu, bitmap: { get(page: number): number | boolean }, from: number, pages: SnapshotPages): void {
  cpu.zero_memory!(0, cpu.memory_size[0]);
  const count = cpu.memory_size[0] >> 12;
  let packed = 0;
  for (let page = 0; page < count; ) {
    if (!bitmap.get(page)) {
      page++;
      continue;
    }
    let end = page + 1;
    while (end < count && bitmap.get(end)) end++;
    pages.read(cpu.mem8.subarray(page << 12, end << 12), from + (packed << 12));
    packed += end - page;
    page = end;
  }
}

/** Frees a buffer's memory now (ArrayBuffer.prototype.transfer detaches it); a no-op where it is missing. */
function detach(buffer: ArrayBuffer): void {
  (buffer as ArrayBuffer & { transfer?(length: number): ArrayBuffer }).transfer?.(0);
}

const now = () => (typeof performance !== 'undefined' ? performance.now() : Date.now());
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** v86's CPU: the parts of it this driver uses. */
type GuestCpu = {
  wm?: { exports?: { set_jit_config?(index: number, value: number): void } };
  mem8: Uint8Array;
  memory_size: Uint32Array;
  zero_memory?(addr: number, size: number): void;
  devices?: { virtio_console?: { virtio?: { queues?: Array<{ has_request?(): boolean }> } } };
  unpack_memory?(bitmap: { get(page: number): number | boolean }, packed: Uint8Array): void;
};

// v86's instance, with the parts of its surface this driver uses that v86.d.ts leaves out.
type Emulator = V86 & {
  bus: { send(name: string, data: unknown): void };
  fs9p: { storage: unknown };
  v86?: {
    cpu?: GuestCpu;
    do_tick?(): void;
    running?: boolean;
    /** The emulator's side of v86's bus pair: what it sends here reaches the V86 object's listeners. */
    bus?: { send(name: string, data: unknown): void };
  };
};

export class LabMachine {
  readonly events = new Emitter<LabEvents>();
  private emulator!: Emulator;
  private nextId = 0;
  private pending = new Map<number, Pending>();
  private pongs = new Map<number, (pong: Pong) => void>();
  private readyWaiters: Array<() => void> = [];
  private consoleListeners = new Set<(bytes: Uint8Array) => void>();
  private consoleHistory: Uint8Array[] = [];
  private consoleHistoryBytes = 0;
  private kernelLines: string[] = [];
  private kernelLine = '';
  private lastAgentMessage = 0;
  /** The agent has spoken on this machine: a READY after that means it restarted. */
  private agentAnswered = false;
  private watchdog?: ReturnType<typeof setInterval>;
  private hung = false;
  private pinging = false;
  private crashed?: EmulatorCrashedError;
  private destroyed = false;
  /** Typed bytes the guest has no room for yet (flushConsoleInput). */
  private consoleInput: Uint8Array[] = [];
  private consoleInputBytes = 0;
  private consoleInputTimer?: ReturnType<typeof setTimeout>;
  private stateBuffer?: ArrayBuffer;
  private files?: { wasm: WebAssembly.Module; bios: ArrayBuffer; vgaBios: ArrayBuffer };
  private bootFiles?: { kernel: ArrayBuffer; initrd: ArrayBuffer };
  private fileCache?: FileCache;
  private readonly fileCounters = newFileCounters();
  private startedAt = 0;
  manifest!: Manifest;
  /** When things happened, in ms: for the page's figures and the benchmark. */
  readonly timings = { load: 0, toFirstAnswer: 0, toReady: 0 };

  /** Subscribe to `events` and `onConsole`, then call start(). */
  constructor(private readonly opts: StartOptions) {}

  /** Create and start in one step. */
  static async start(opts: StartOptions): Promise<LabMachine> {
    const m = new LabMachine(opts);
    await m.start();
    return m;
  }

  /** Load the files, start v86, and wait until the guest answers (and, booting cold, containerd). */
  async start(): Promise<void> {
    if (typeof WebAssembly === 'undefined') throw new WasmUnsupportedError();
    this.startedAt = now();
    this.manifest = await this.opts.assets.manifest();
    await this.load();
  }

  get mode(): 'restore' | 'boot' {
    return this.opts.mode ?? 'restore';
  }

  private async load(): Promise<void> {
    const { assets } = this.opts;
    const f = this.manifest.files;
    const restore = this.mode === 'restore';
    const wanted = restore ? [f.wasm, f.bios, f.vgaBios, f.state] : [f.wasm, f.bios, f.vgaBios, f.kernel, f.initrd];
    const total = wanted.reduce((n, x) => n + x.size, 0);
    const loaded = new Map<string, number>();
    const report = (name: string) => (n: number) => {
      loaded.set(name, n);
      this.events.emit('progress', { loaded: [...loaded.values()].reduce((a, b) => a + b, 0), total, file: name });
    };
    const buffers = await Promise.all(wanted.map((x) => assets.load(x.name, report(x.name))));
    this.timings.load = now() - this.startedAt;
    const [wasm, bios, vgaBios, ...rest] = buffers;
    // Compiled once: a reset builds a new emulator from the same module.
    this.files = { wasm: await WebAssembly.compile(wasm), bios, vgaBios };
    if (restore) this.stateBuffer = rest[0];
    else this.bootFiles = { kernel: rest[0], initrd: rest[1] };
    this.events.emit('restoring', undefined);
    const emulatorStart = now();
    await this.createEmulator();
    if (restore) {
      await this.afterRestore(emulatorStart, this.opts.readyTimeoutMs ?? 60_000);
    } else {
      await this.waitBootReady();
    }
    this.watchdog = setInterval(() => this.checkAlive(), WATCHDOG_MS);
    (this.watchdog as { unref?: () => void }).unref?.();
  }

  /** A v86 instance on the loaded files: restoring the snapshot, or booting the kernel. */
  private async createEmulator(): Promise<void> {
    const { assets } = this.opts;
    const s = this.manifest.machine;
    const { wasm, bios, vgaBios } = this.files!;
    const emulator = new V86({
      wasm_fn: async (imports: WebAssembly.Imports) => (await WebAssembly.instantiate(wasm, imports)).exports,
      memory_size: s.memoryMiB * 1024 * 1024,
      vga_memory_size: s.vgaMemoryMiB * 1024 * 1024,
      bios: { buffer: bios },
      vga_bios: { buffer: vgaBios },
      // A snapshot is restored below, once the emulator exists (restoreSnapshot), not through
      // v86's initial_state: that lets the restore skip what would only cost memory.
      ...(this.stateBuffer
        ? { filesystem: { baseurl: assets.locate(this.manifest.fsDir) } }
        : {
            bzimage: { buffer: this.bootFiles!.kernel },
            initrd: { buffer: this.bootFiles!.initrd },
            cmdline: s.cmdline,
            filesystem: { basefs: assets.locate(this.manifest.files.fsJson.name), baseurl: assets.locate(this.manifest.fsDir) },
          }),
      autostart: !this.stateBuffer,
      uart1: true,
      virtio_console: true,
      disable_keyboard: true,
      disable_mouse: true,
      disable_speaker: true,
      disable_jit: this.opts.jit === false,
    } as unknown as ConstructorParameters<typeof V86>[0]) as Emulator;
    this.emulator = emulator;
    this.consoleInput = []; // typed for the machine this one replaces
    this.consoleInputBytes = 0;
    const agentLines = new LineSplitter((line) => this.onAgentLine(line));
    emulator.add_listener('serial1-output-byte', (b) => agentLines.push(b));
    emulator.add_listener('serial0-output-byte', (b) => this.onKernelByte(b));
    emulator.add_listener('virtio-console0-output-bytes', (bytes) => this.onConsoleBytes(bytes));
    await new Promise<void>((res) => emulator.add_listener('emulator-loaded', () => res()));
    this.catchPanics(emulator);
    this.tuneJit();
    if (this.stateBuffer) {
      await this.restoreSnapshot(emulator, this.stateBuffer);
      void emulator.run();
      this.events.emit('running', undefined);
    }
    const previous = this.fileCache;
    this.fileCache = new FileCache(emulator.fs9p.storage, this.opts.fileCacheBytes ?? 48 * 1024 * 1024, this.fileCounters);
    this.fileCache.inherit(previous);
  }

  /**
   * Restores the snapshot into a new emulator, holding as little memory as it can afterwards. The
   * guest's RAM lives in the emulator's WebAssembly memory, where a page touched once (even read)
   * stays resident for the life of the tab; v86's restore writes zeros over all of it before it
   * copies in the snapshot's non-zero pages, which made the whole 256 MiB resident while half of
   * it is zero. A new emulator's memory is still zero above the first MiB (where v86 put the BIOS
   * ROMs), so only that MiB is cleared. And the restore's buffers are freed at once (detached)
   * rather than whenever the garbage collector comes: the snapshot's unpacked memory (~120 MB)
   * and, when the caller does not keep it, the compressed snapshot.
   */
  private async restoreSnapshot(emulator: Emulator, state: ArrayBuffer): Promise<void> {
    const cpu = emulator.v86?.cpu;
    const zero = cpu?.zero_memory;
    const unpack = cpu?.unpack_memory;
    // v86 slices every buffer out of the snapshot before restoring: the guest's pages are copied
    // from the snapshot itself instead (0.25-0.3 s less in Chromium, and no 68 MB buffer).
    // A kept snapshot left its pages on the device (kept-state.ts), and found them already: read
    // there, straight into the emulator's memory, skipping a 68 MB buffer's first touch (~12 µs a
    // page here); into the snapshot itself where it is kept for resets, or v86 is not the one this
    // driver knows.
    let pages = unreadPages(state);
    const memory = pages?.range ?? packedMemoryRange(state);
    const direct = cpu && zero && unpack && memory;
    if (pages && memory && (!direct || this.opts.keepSnapshot !== false)) {
      try {
        pages.read(new Uint8Array(state, memory.offset, memory.length), memory.offset);
      } finally {
        pages.close();
        pages = undefined;
      }
    }
    const notCopied = new ArrayBuffer(0);
    if (direct) {
      Object.defineProperty(state, 'slice', {
        configurable: true,
        value: (begin: number, end: number) =>
          begin === memory.offset && end === memory.offset + memory.length ? notCopied : ArrayBuffer.prototype.slice.call(state, begin, end),
      });
    }
    if (cpu && zero && unpack) {
      cpu.zero_memory = (addr, size) => zero.call(cpu, addr, Math.max(0, Math.min(size, BIOS_AREA_END - addr)));
      cpu.unpack_memory = (bitmap, packed) => {
        if (direct && packed.buffer === notCopied) {
          if (pages) readPages(cpu, bitmap, memory.offset, pages);
          else unpack.call(cpu, bitmap, new Uint8Array(state, memory.offset, memory.length));
        } else {
          unpack.call(cpu, bitmap, packed);
          detach(packed.buffer as ArrayBuffer);
        }
      };
    }
    try {
      await emulator.restore_state(state);
    } finally {
      pages?.close();
      if (direct) delete (state as { slice?: unknown }).slice;
      if (cpu && zero && unpack) {
        cpu.zero_memory = zero;
        cpu.unpack_memory = unpack;
      }
    }
    if (this.opts.keepSnapshot === false) {
      this.stateBuffer = undefined;
      detach(state);
    }
  }

  /**
   * A v86 panic (its Rust code reaching an unimplemented case) throws out of the emulator's tick
   * loop, where nobody can catch it: the guest just stops, every command waits out its timeout and
   * Node reports an uncaught error. Catch it at the tick instead, stop the emulator, and fail what
   * is pending at once with an error that says so.
   */
  private catchPanics(emulator: Emulator): void {
    const cpu = emulator.v86;
    const tick = cpu?.do_tick;
    if (!cpu || !tick) return; // another v86 build: panics stay uncaught
    cpu.do_tick = () => {
      try {
        tick.call(cpu);
      } catch (e) {
        // Stopped as v86 stops itself, so that destroy() (and so reset()) does not wait for a tick
        // that never comes.
        cpu.running = false;
        cpu.bus?.send('emulator-stopped', undefined);
        if (this.emulator === emulator) this.onCrash(e instanceof Error ? e.message : String(e));
      }
    };
  }

  private onCrash(detail: string): void {
    const err = new EmulatorCrashedError(detail);
    this.crashed = err;
    this.failPending(err);
    this.events.emit('crashed', { message: err.message, hint: err.hint, code: err.code });
  }

  /** Fail every command still waiting for the guest. */
  private failPending(err: Error): void {
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) p.reject(err);
  }

  private tuneJit(): void {
    if (this.opts.jit === false) return;
    const tuning = typeof this.opts.jit === 'object' ? this.opts.jit : LAB_JIT;
    const set = this.emulator.v86?.cpu?.wm?.exports?.set_jit_config;
    if (!set) return; // another v86 build: keep its defaults
    set(1, tuning.maxPages);
    set(3, tuning.maxExtraBasicBlocks);
  }

  private async waitBootReady(): Promise<void> {
    const bootMs = this.opts.bootTimeoutMs ?? 240_000;
    const t0 = now();
    await new Promise<void>((res, rej) => {
      const timer = setTimeout(() => rej(new BootTimeoutError('start its guest agent', bootMs / 1000, this.kernelLog(15))), bootMs);
      this.readyWaiters.push(() => {
        clearTimeout(timer);
        res();
      });
    });
    this.timings.toFirstAnswer = now() - this.startedAt;
    this.events.emit('booted', { ms: this.timings.toFirstAnswer });
    const readyMs = this.opts.readyTimeoutMs ?? 180_000;
    for (;;) {
      const r = await this.exec('ctr --timeout 5s version >/dev/null 2>&1', { timeout: 30_000 }).catch(() => null);
      if (r?.exitCode === 0) break;
      if (this.kernelLog(300).includes('You are in emergency mode')) {
        const failed = await this.exec('systemctl --failed --no-legend; journalctl -b -p err --no-pager | tail -20', { timeout: 30_000 }).catch(() => null);
        throw new BootTimeoutError('finish booting (systemd entered emergency mode)', (now() - t0) / 1000, `${this.kernelLog(15)}\n${failed?.stdout ?? ''}`);
      }
      if (now() - t0 > bootMs + readyMs) throw new BootTimeoutError('get containerd answering', (bootMs + readyMs) / 1000, this.kernelLog(15));
      await sleep(1000);
    }
    this.timings.toReady = now() - this.startedAt;
    this.events.emit('ready', { ms: this.timings.toReady });
  }

  /** After a restore: the agent was idle in the snapshot, so one ping shows the machine runs. */
  private async afterRestore(t0: number, timeoutMs: number): Promise<void> {
    if (this.opts.promptOnRestore) this.writeConsole('\r');
    const pong = await this.ping(timeoutMs, this.opts.syncClock === false ? undefined : Date.now() / 1000).catch(() => {
      throw new BootTimeoutError('answer after restoring its snapshot', timeoutMs / 1000, this.kernelLog(15));
    });
    this.timings.toFirstAnswer = now() - t0;
    this.events.emit('booted', { ms: this.timings.toFirstAnswer });
    // The snapshot was saved with containerd answering; its socket shows it still runs. The agent's
    // answer says so (a command through it would cost 0.25-0.45 s more before the prompt).
    const containerdUp = pong.containerd ?? (await this.exec('test -S /run/containerd/containerd.sock', { timeout: timeoutMs })).exitCode === 0;
    if (!containerdUp) throw new LabError('containerd is not running in the restored lab.', 'Rebuild the image with `npm run lab:image`.', 'not-ready');
    this.timings.toReady = now() - t0;
    this.events.emit('ready', { ms: this.timings.toReady });
  }

  private onAgentLine(line: string): void {
    const msg = parseAgentLine(line);
    if (!msg) return;
    if (msg.kind !== 'ready') this.agentAnswered = true;
    this.lastAgentMessage = now();
    if (this.hung) {
      this.hung = false;
      this.events.emit('recovered', undefined);
    }
    if (msg.kind === 'ready') {
      // A READY after the agent has answered before is a restarted agent: what it was running is
      // gone, so what waits for it fails now rather than at its timeout.
      if (this.agentAnswered) this.failPending(new AgentRestartedError());
      this.agentAnswered = true;
      for (const w of this.readyWaiters.splice(0)) w();
    } else if (msg.kind === 'pong') {
      this.pongs.get(msg.id)?.(msg);
      this.pongs.delete(msg.id);
    } else {
      const p = this.pending.get(msg.id);
      this.pending.delete(msg.id);
      p?.resolve(msg);
    }
  }

  private onKernelByte(b: number): void {
    if (b === 10) {
      this.kernelLines.push(this.kernelLine);
      if (this.kernelLines.length > 300) this.kernelLines.shift();
      this.kernelLine = '';
    } else if (b !== 13) {
      this.kernelLine += String.fromCharCode(b);
    }
  }

  private onConsoleBytes(bytes: Uint8Array): void {
    const copy = bytes.slice();
    this.consoleHistory.push(copy);
    this.consoleHistoryBytes += copy.length;
    while (this.consoleHistoryBytes > 64 * 1024 && this.consoleHistory.length > 1) this.consoleHistoryBytes -= this.consoleHistory.shift()!.length;
    for (const fn of this.consoleListeners) fn(copy);
  }

  private send(line: string): void {
    if (this.destroyed) throw new MachineGoneError('destroyed');
    if (!this.emulator) throw new LabError('The lab machine has not started yet.', 'Wait for start() to finish.', 'not-started');
    this.emulator.serial_send_bytes(1, new TextEncoder().encode(line));
  }

  /**
   * Asks the agent whether it is there (and, given a time, sets the guest's clock). Its answer says
   * whether containerd's socket exists, from a shell test in the agent: no process is started.
   */
  ping(timeoutMs = 15_000, unixTime?: number): Promise<Pong> {
    const id = ++this.nextId;
    return new Promise((res, rej) => {
      const timer = setTimeout(() => {
        this.pongs.delete(id);
        rej(new Error('ping timed out'));
      }, timeoutMs);
      this.pongs.set(id, (pong) => {
        clearTimeout(timer);
        res(pong);
      });
      this.send(encodePing(id, unixTime));
    });
  }

  private async checkAlive(): Promise<void> {
    // A hung machine is pinged too: its answer (any agent line) is what declares it recovered.
    if (this.destroyed || this.crashed || this.pinging || now() - this.lastAgentMessage < WATCHDOG_MS) return;
    this.pinging = true;
    try {
      await this.ping(15_000);
    } catch {
      if (this.destroyed || this.hung) return;
      this.hung = true;
      this.events.emit('hung', { silentMs: now() - this.lastAgentMessage });
    } finally {
      this.pinging = false;
    }
  }

  /** Run a bash script in the guest through the agent (not in the learner's terminal). */
  exec(script: string, opts: ExecOptions = {}): Promise<ExecResult> {
    if (this.crashed) return Promise.reject(this.crashed);
    const timeout = opts.timeout ?? 60_000;
    const id = ++this.nextId;
    const t0 = now();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        try {
          this.send(encodeKill(id));
        } catch {
          /* machine gone: the timeout error says enough */
        }
        reject(new ExecTimeoutError(script, timeout));
      }, timeout);
      this.pending.set(id, {
        resolve: (m) => {
          clearTimeout(timer);
          const cut = m.truncated.stdout || m.truncated.stderr;
          resolve({
            exitCode: m.exitCode, stdout: m.stdout, stderr: m.stderr, durationMs: now() - t0,
            stdoutBytes: m.stdoutBytes, stderrBytes: m.stderrBytes, ...(cut ? { truncated: m.truncated } : {}),
          });
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      try {
        this.send(encodeExec(id, script));
      } catch (e) {
        this.pending.get(id)?.reject(e as Error);
        this.pending.delete(id);
      }
    });
  }

  /** The learner's console (hvc0): output bytes as they come; returns an unsubscribe function. */
  onConsole(fn: (bytes: Uint8Array) => void, replay = false): () => void {
    if (replay) for (const chunk of this.consoleHistory) fn(chunk);
    this.consoleListeners.add(fn);
    return () => this.consoleListeners.delete(fn);
  }
  writeConsole(data: string | Uint8Array): void {
    if (!this.emulator || this.destroyed) return; // nothing to type into yet (or any more)
    const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
    if (this.consoleInputBytes + bytes.length > CONSOLE_INPUT_LIMIT) return; // a guest that reads nothing: keep no more
    this.consoleInput.push(bytes);
    this.consoleInputBytes += bytes.length;
    this.flushConsoleInput();
  }

  /**
   * Hands typed bytes to the guest as it has room for them. v86's console device drops input that
   * arrives while the guest has no receive buffer free (it has 16, one per write): keys typed one
   * write each, faster than the guest takes them, were lost (a learner's fast typing, a test's).
   * Bytes wait here instead, and go over together, up to a buffer's worth, once one is free.
   */
  private flushConsoleInput(): void {
    const emulator = this.emulator;
    const queue = emulator.v86?.cpu?.devices?.virtio_console?.virtio?.queues?.[0];
    while (this.consoleInput.length && (!queue?.has_request || queue.has_request())) {
      const all = this.consoleInput.length === 1 ? this.consoleInput[0] : concat(this.consoleInput);
      const now = all.subarray(0, CONSOLE_INPUT_CHUNK);
      const rest = all.subarray(now.length);
      this.consoleInput = rest.length ? [rest] : [];
      this.consoleInputBytes = rest.length;
      emulator.bus.send('virtio-console0-input-bytes', now);
    }
    if (this.consoleInput.length && !this.consoleInputTimer) {
      this.consoleInputTimer = setTimeout(() => {
        this.consoleInputTimer = undefined;
        if (!this.destroyed && this.emulator === emulator) this.flushConsoleInput();
      }, 5);
    }
  }
  resizeConsole(cols: number, rows: number): void {
    if (!this.emulator || this.destroyed) return;
    // v86 marshals the pair in the order Linux's virtio_console reads as (cols, rows) for this
    // event: measured with `stty size` in the guest, [cols, rows] arrives swapped.
    this.emulator.bus.send('virtio-console0-resize', [rows, cols]);
  }

  /** Back to the snapshot: everything since the restore is gone. */
  async reset(): Promise<void> {
    // Booted cold, or started with keepSnapshot: false.
    if (!this.stateBuffer) throw new LabError('This machine holds no snapshot to reset to.', 'Start a new machine from the snapshot.', 'no-snapshot');
    this.failPending(new MachineGoneError('reset'));
    this.pongs.clear();
    this.events.emit('restoring', undefined);
    const t0 = now();
    // A new emulator from the snapshot, rather than restore_state() on the running one: restoring
    // in place left v86's timers on the old instance's clock, and the guest then stalled for as
    // long as that instance had run before the snapshot was taken (measured: 100-220 s).
    const old = this.emulator;
    await old.destroy();
    this.crashed = undefined;
    await this.createEmulator();
    this.consoleHistory = [];
    this.consoleHistoryBytes = 0;
    await this.afterRestore(t0, this.opts.readyTimeoutMs ?? 60_000);
  }

  /** The emulator's whole state (uncompressed), for the image builder's snapshot. */
  saveState(): Promise<ArrayBuffer> {
    return this.emulator.save_state();
  }

  /** The last kernel (ttyS0) lines, for error messages and debugging. */
  kernelLog(lines = 50): string {
    return [...this.kernelLines, this.kernelLine].filter(Boolean).slice(-lines).join('\n');
  }

  fileStats(): FileStats {
    return this.fileCache!.stats();
  }

  /** Guest instructions executed so far by this emulator (v86's counter wraps at 2^32: diff with `>>> 0`). */
  instructionCount(): number {
    return this.emulator.get_instruction_counter();
  }

  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    clearInterval(this.watchdog);
    clearTimeout(this.consoleInputTimer);
    this.failPending(new MachineGoneError('destroyed'));
    await this.emulator?.destroy();
  }
}
