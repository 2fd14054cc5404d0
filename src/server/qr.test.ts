// The QR encoder against a reference encoder (the qrcode package: every module, same version, level
// and mask) and a decoder (jsQR reads back what a phone would), plus the terminal rendering.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import QRCode from 'qrcode';
import jsQR from 'jsqr';
import { encodeQr, renderQrForTerminal, type ErrorCorrection, type QrCode } from './qr.ts';

const LEVELS: ErrorCorrection[] = ['L', 'M'];

function reference(text: string, ecl: ErrorCorrection, mask: number, version?: number) {
  // Byte mode, as ours: the reference would otherwise split digits into numeric segments.
  return QRCode.create([{ data: Buffer.from(text, 'utf8'), mode: 'byte' }], { errorCorrectionLevel: ecl, maskPattern: mask as QRCode.QRCodeMaskPattern, version });
}

function sameModules(ours: QrCode, theirs: QRCode.QRCode): boolean {
  if (theirs.modules.size !== ours.size) return false;
  for (let y = 0; y < ours.size; y++) {
    for (let x = 0; x < ours.size; x++) if (Boolean(theirs.modules.data[y * ours.size + x]) !== ours.modules[y][x]) return false;
  }
  return true;
}

/** An RGBA image of the code, 4 pixels per module and a 4-module quiet zone, for the decoder. */
function toImage(code: QrCode) {
  const scale = 4;
  const quiet = 4;
  const side = (code.size + quiet * 2) * scale;
  const data = new Uint8ClampedArray(side * side * 4).fill(255);
  for (let y = 0; y < code.size; y++) {
    for (let x = 0; x < code.size; x++) {
      if (!code.modules[y][x]) continue;
      for (let dy = 0; dy < scale; dy++) {
        for (let dx = 0; dx < scale; dx++) {
          const at = (((y + quiet) * scale + dy) * side + (x + quiet) * scale + dx) * 4;
          data[at] = data[at + 1] = data[at + 2] = 0;
        }
      }
    }
  }
  return { data, side };
}

test('every module equals the reference encoder, for each level and mask, versions 1 to 40', () => {
  let compared = 0;
  const versions = new Set<number>();
  for (const ecl of LEVELS) {
    // Lengths that land on many versions: short URLs, the block-structure changes at 7 and 10, long texts.
    for (const length of [1, 10, 17, 25, 40, 60, 90, 115, 140, 200, 250, 300, 400, 520, 700, 900, 1200, 1500, 1900, 2300]) {
      const text = `http://192.168.10.20:3000/${'lesson/'.repeat(Math.ceil(length / 7))}`.slice(0, Math.max(length, 1));
      const masks = length <= 90 ? [0, 1, 2, 3, 4, 5, 6, 7] : [length % 8];
      for (const mask of masks) {
        const ours = encodeQr(text, { errorCorrection: ecl, mask });
        // The reference picks its own smallest version: ours must agree.
        const theirs = reference(text, ecl, mask);
        assert.equal(ours.version, theirs.version, `version for ${text.length} bytes at ${ecl}`);
        assert.ok(sameModules(ours, theirs), `modules differ: ${text.length} bytes, level ${ecl}, mask ${mask}, version ${ours.version}`);
        versions.add(ours.version);
        compared++;
      }
    }
  }
  assert.equal(compared, LEVELS.length * (7 * 8 + 13));
  assert.ok(Math.max(...versions) >= 39 && versions.has(1) && versions.has(7) && versions.has(10), `versions covered: ${[...versions].sort((a, b) => a - b)}`);
});

test('a forced minimum version matches the reference at that version', () => {
  for (const version of [3, 8, 14, 27, 40]) {
    const ours = encodeQr('http://10.0.0.2:3000/', { errorCorrection: 'L', minVersion: version, mask: 2 });
    assert.equal(ours.version, version);
    assert.ok(sameModules(ours, reference('http://10.0.0.2:3000/', 'L', 2, version)), `version ${version}`);
  }
});

test('a decoder reads back what was encoded, with the mask chosen by penalty', () => {
  for (const text of ['http://192.168.1.20:3000/', 'http://172.16.254.199:65535/', 'http://10.0.0.2:3000/trainer?token=4f9c2a7e0b1d3c5e', 'Runtime Lab — 容器运行时', 'x'.repeat(300)]) {
    for (const ecl of LEVELS) {
      const code = encodeQr(text, { errorCorrection: ecl });
      const { data, side } = toImage(code);
      const decoded = jsQR(data, side, side);
      assert.ok(decoded, `no QR code found for ${JSON.stringify(text)} at ${ecl}`);
      assert.equal(decoded.data, text);
      assert.equal(decoded.version, code.version);
    }
  }
});

test('text too long for version 40 is refused with its size', () => {
  assert.throws(() => encodeQr('a'.repeat(3000), { errorCorrection: 'M' }), /3000 bytes is too long/);
  assert.throws(() => encodeQr('a', { mask: 8 }), /mask must be 0-7/);
});

test('the terminal rendering holds every module, two rows per line', () => {
  const code = encodeQr('http://192.168.1.20:3000/');
  const quietZone = 2;
  const text = renderQrForTerminal(code, { color: false, quietZone });
  const lines = text.slice(0, -1).split('\n');
  const span = code.size + quietZone * 2;
  assert.equal(lines.length, Math.ceil(span / 2));
  const darkAt = (x: number, y: number) => {
    const cell = lines[Math.floor(y / 2)][x];
    return cell === '█' || (y % 2 === 0 ? cell === '▀' : cell === '▄');
  };
  for (let y = 0; y < code.size; y++) {
    for (let x = 0; x < code.size; x++) assert.equal(darkAt(x + quietZone, y + quietZone), code.modules[y][x], `module ${x},${y}`);
  }
  const colored = renderQrForTerminal(code, { color: true, quietZone });
  assert.ok(colored.split('\n')[0].startsWith('\x1b[30;47m'), 'black on white whatever the terminal\'s colours');
});
