// The exec audit: trace parsing, ELF machine checks, and the record of the image in use.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auditExecs, hostMachine, parseExecTrace, type ExecAudit } from './exec-audit.ts';
import { OUT, cacheRoot } from './util.ts';

/** A minimal ELF header: class, data, machine; enough for the audit to read. */
function fakeElf(dir: string, name: string, machine: number): string {
  const b = Buffer.alloc(64);
  b.writeUInt32BE(0x7f454c46, 0);
  b[4] = machine === 3 ? 1 : 2; // ELFCLASS32 / 64
  b[5] = 1; // little-endian
  b.writeUInt16LE(2, 16);
  b.writeUInt16LE(machine, 18);
  const p = join(dir, name);
  writeFileSync(p, b);
  chmodSync(p, 0o755);
  return p;
}

test('exec audit: parses strace -f lines, including unfinished/resumed pairs and escapes', () => {
  const log = [
    '100   execve("/usr/bin/tar", ["tar", "-x"], 0x7ffd /* 30 vars */) = 0',
    '101   execve("/usr/local/bin/tar", ["tar"], 0x7ffd /* 30 vars */) = -1 ENOENT (No such file or directory)',
    '102   execve("/srv/with \\"quote\\"", ["x"], 0x1 /* 2 vars */ <unfinished ...>',
    '103   execve("/bin/true", [], 0x1 /* 2 vars */) = 0',
    '102   <... execve resumed>)              = -1 ENOEXEC (Exec format error)',
  ].join('\n');
  assert.deepEqual(parseExecTrace(log), [
    { path: '/usr/bin/tar', result: '0' },
    { path: '/usr/local/bin/tar', result: 'ENOENT' },
    { path: '/bin/true', result: '0' },
    { path: '/srv/with "quote"', result: 'ENOEXEC' },
  ]);
});

test('exec audit: an i386 program (run, or refused by the kernel) is foreign; host programs and scripts are not', () => {
  const dir = mkdtempSync(join(tmpdir(), 'audit-'));
  const host = fakeElf(dir, 'host-tool', hostMachine());
  const guest = fakeElf(dir, 'guest-tool', 3);
  const script = join(dir, 'script.sh');
  writeFileSync(script, `#!${host}\necho\n`);
  const foreignScript = join(dir, 'foreign.sh');
  writeFileSync(foreignScript, `#!${guest}\n`);
  const audit = auditExecs([
    { path: host, result: '0' },
    { path: host, result: '0' },
    { path: script, result: '0' },
    { path: guest, result: 'ENOEXEC' },
    { path: foreignScript, result: '0' },
    { path: join(dir, 'missing'), result: 'ENOENT' },
  ], hostMachine());
  assert.deepEqual(audit.foreign.map((f) => [f.path, f.machine]), [[guest, 'i386'], [foreignScript, 'i386']]);
  assert.equal(audit.programs.find((p) => p.path === host)?.count, 2);
  assert.equal(audit.programs.length, 4, 'ENOENT attempts ran nothing and are not listed');
});

test('exec audit: the lab image in use was built with no foreign program run on the host', () => {
  const manifestPath = join(OUT, 'manifest.json');
  assert.ok(existsSync(manifestPath), `no lab image at ${manifestPath}: run \`npm run lab:image\` first (npm test does)`);
  const { recipeKey } = JSON.parse(readFileSync(manifestPath, 'utf8'));
  const record = join(cacheRoot(), 'builds', recipeKey, 'exec-audit.json');
  assert.ok(existsSync(record), `the build ${recipeKey} has no exec audit (${record}): rebuild it with \`npm run lab:image -- --force\``);
  const audit = JSON.parse(readFileSync(record, 'utf8')) as ExecAudit;
  assert.equal(audit.traced, true);
  assert.deepEqual(audit.foreign, []);
  // The trace really covered the build: the compilers and unpackers it must have run are there.
  for (const tool of [/\/dpkg-deb$/, /\/bin\/go$/, /\/(x86_64-linux-gnu-)?gcc(-\d+)?$|\/i686-linux-gnu-gcc/, /\/zstd$/, /\/depmod$|\/kmod$/]) {
    assert.ok(audit.programs.some((p) => tool.test(p.path)), `the exec audit lists no program matching ${tool}`);
  }
});
