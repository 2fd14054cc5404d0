// The wire format between the driver and the guest agent (images/rootfs/usr/local/sbin/lab-agent):
// one line per message on the second UART, base64 payloads.

export type AgentMessage =
  | { kind: 'ready'; bootId: string }
  | { kind: 'pong'; id: number }
  | { kind: 'result'; id: number; exitCode: number; stdout: string; stderr: string };

const PREFIX = '@@LAB ';

function toBase64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

function fromBase64(b64: string): string {
  if (!b64) return '';
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return new TextDecoder().decode(bytes);
}

export function encodeExec(id: number, script: string): string {
  return `X ${id} ${toBase64(script)}\n`;
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
  const [kind, a, b, c, d] = line.slice(at + PREFIX.length).trim().split(' ');
  if (kind === 'READY') return { kind: 'ready', bootId: a ?? '' };
  if (kind === 'P' && a) return { kind: 'pong', id: Number(a) };
  if (kind === 'R' && a && b) {
    return { kind: 'result', id: Number(a), exitCode: Number(b), stdout: fromBase64(c ?? ''), stderr: fromBase64(d ?? '') };
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
