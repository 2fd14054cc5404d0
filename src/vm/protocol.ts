// The wire format between the driver and the guest agent (images/rootfs/usr/local/sbin/lab-agent):
// one line per message on the second UART (scripts escaped, results in base64).

export type AgentMessage =
  | { kind: 'ready'; bootId: string }
  /** containerd: whether its socket exists (undefined from an agent that does not say). */
  | { kind: 'pong'; id: number; containerd?: boolean }
  | {
      kind: 'result';
      id: number;
      exitCode: number;
      stdout: string;
      stderr: string;
      /** The exact bytes (stdout/stderr decode them as UTF-8, replacing what is not). */
      stdoutBytes: Uint8Array;
      stderrBytes: Uint8Array;
      /** Streams the agent cut at its cap (1 MiB each): what follows was dropped in the guest. */
      truncated: { stdout: boolean; stderr: boolean };
    };

const PREFIX = '@@LAB ';

function fromBase64(b64: string): Uint8Array {
  if (!b64) return new Uint8Array(0);
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

const utf8 = new TextDecoder();

/**
 * The script on one line: backslash, LF and CR escaped (the agent undoes it with printf %b, a bash
 * builtin), after its length in characters so the agent can tell a damaged line.
 */
export function encodeExec(id: number, script: string): string {
  const escaped = script.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
  return `X ${id} ${[...script].length} ${escaped}\n`;
}
export function encodePing(id: number, unixTime?: number): string {
  return unixTime === undefined ? `P ${id}\n` : `P ${id} ${Math.floor(unixTime)}\n`;
}
export function encodeKill(id: number): string {
  return `K ${id}\n`;
}

/** Parse one line from the agent; anything else on the port (noise at boot) gives null. */
export function parseAgentLine(line: string): AgentMessage | null {
  const at = line.indexOf(PREFIX);
  if (at < 0) return null;
  const [kind, a, b, cut, c, d] = line.slice(at + PREFIX.length).replace(/\s+$/, '').split(' ');
  if (kind === 'READY') return { kind: 'ready', bootId: a ?? '' };
  if (kind === 'P' && a) {
    const up = b?.startsWith('containerd=') ? b === 'containerd=up' : undefined;
    return up === undefined ? { kind: 'pong', id: Number(a) } : { kind: 'pong', id: Number(a), containerd: up };
  }
  if (kind === 'R' && a && b && cut) {
    let stdoutBytes: Uint8Array, stderrBytes: Uint8Array;
    try {
      stdoutBytes = fromBase64(c ?? '');
      stderrBytes = fromBase64(d ?? '');
    } catch {
      // A line damaged on the way: say so as the command's result rather than dropping it.
      const note = new TextEncoder().encode('the guest agent\'s reply was damaged on the way (its base64 did not decode)\n');
      return { kind: 'result', id: Number(a), exitCode: 125, stdout: '', stderr: utf8.decode(note), stdoutBytes: new Uint8Array(0), stderrBytes: note, truncated: { stdout: false, stderr: false } };
    }
    return {
      kind: 'result', id: Number(a), exitCode: Number(b),
      stdout: utf8.decode(stdoutBytes), stderr: utf8.decode(stderrBytes), stdoutBytes, stderrBytes,
      truncated: { stdout: cut.includes('o'), stderr: cut.includes('e') },
    };
  }
  return null;
}

/** Splits a byte stream into lines; bytes outside ASCII cannot occur in agent lines. */
export class LineSplitter {
  private buf: string[] = [];
  constructor(private readonly onLine: (line: string) => void) {}
  push(byte: number): void {
    if (byte === 10) {
      const line = this.buf.join('');
      this.buf = [];
      this.onLine(line);
    } else if (byte !== 13) {
      this.buf.push(String.fromCharCode(byte));
    }
  }
}
