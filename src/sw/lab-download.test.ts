import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LabDownloadError, downloadLab, type DownloadEnv, type DownloadProgress } from './lab-download.ts';
import { DOWNLOAD_HEADER, LAB_CACHE } from './lab-files.ts';

const ORIGIN = 'http://127.0.0.1:3100';
const sha = (c: string) => c.repeat(64);

/** A lab image of a few files, served by a fake fetch, cached by a fake CacheStorage. */
function fakeSite() {
  const bodies: Record<string, string> = {
    'state.aaaa.bin.zst': 'S'.repeat(5000),
    'v86.bbbb.wasm': 'W'.repeat(300),
    'bios.cccc.bin': 'B'.repeat(20),
    'vgabios.dddd.bin': 'V'.repeat(10),
    'vmlinuz.eeee': 'K'.repeat(40),
    'initrd.ffff.img': 'I'.repeat(30),
    [`fs/${sha('1')}`]: 'one',
    [`fs/${sha('2')}.zst`]: 'two-two',
  };
  const fsJson = {
    fsroot: [
      ['a', 3, 0, 0o100644, 0, 0, sha('1')],
      ['d', 4096, 0, 0o040755, 0, 0, [['b', 99, 0, 0o100644, 0, 0, sha('2') + '.zst']]],
      ['l', 1, 0, 0o120777, 0, 0, 'a'],
    ],
  };
  bodies['fs.9999.json'] = JSON.stringify(fsJson);
  const entry = (name: string) => ({ name, size: bodies[name].length, sha256: sha('0') });
  const manifest = {
    format: 1,
    files: {
      wasm: entry('v86.bbbb.wasm'), bios: entry('bios.cccc.bin'), vgaBios: entry('vgabios.dddd.bin'), kernel: entry('vmlinuz.eeee'),
      initrd: entry('initrd.ffff.img'), fsJson: entry('fs.9999.json'), state: { ...entry('state.aaaa.bin.zst'), rawSize: 1 },
    },
    fsDir: 'fs/',
    fs: { storedBytes: 'one'.length + 'two-two'.length },
  };
  bodies['manifest.json'] = JSON.stringify(manifest);
  const total = Object.values(manifest.files).reduce((n, f) => n + f.size, 0) + manifest.fs.storedBytes;

  const stored = new Map<string, Uint8Array<ArrayBuffer>>();
  const requests: Array<{ path: string; download: boolean }> = [];
  /** Per path: how the next requests go wrong, in order ('throw', 'cut' mid-body, or an HTTP status). */
  const faults = new Map<string, Array<'throw' | 'cut' | number>>();
  let putFault: (() => Error) | undefined;

  const fetchImpl = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input));
    const path = url.pathname.replace(/^\/vm\//, '');
    const headers = new Headers(init?.headers);
    requests.push({ path, download: headers.has(DOWNLOAD_HEADER) });
    const fault = faults.get(path)?.shift();
    if (fault === 'throw') throw new TypeError('Failed to fetch');
    if (typeof fault === 'number') return new Response('no', { status: fault });
    const body = bodies[path];
    if (body === undefined) return new Response('not found', { status: 404 });
    const bytes = new TextEncoder().encode(body);
    if (fault === 'cut') {
      // Half the body arrives, then the connection drops.
      const stream = new ReadableStream<Uint8Array>({
        start(c) {
          c.enqueue(bytes.slice(0, bytes.length >> 1));
          c.error(new TypeError('network error'));
        },
      });
      return new Response(stream, { status: 200 });
    }
    return new Response(bytes, { status: 200, headers: { 'content-length': String(bytes.length) } });
  }) as typeof fetch;

  const cache = {
    async keys() {
      return [...stored.keys()].map((u) => new Request(u));
    },
    async match(u: RequestInfo | URL) {
      const bytes = stored.get(String(u instanceof Request ? u.url : u));
      return bytes ? new Response(bytes as Uint8Array<ArrayBuffer>, { headers: { 'content-length': String(bytes.length) } }) : undefined;
    },
    async put(u: RequestInfo | URL, response: Response) {
      const bytes = new Uint8Array(await response.arrayBuffer()); // a body that errors rejects the put, as in a browser
      if (putFault) throw putFault();
      stored.set(String(u), bytes);
    },
  };
  const opened: string[] = [];
  const env: DownloadEnv = {
    fetch: fetchImpl,
    caches: { open: async (name: string) => (opened.push(name), cache as unknown as Cache) },
    origin: ORIGIN,
  };
  return { env, bodies, stored, requests, faults, total, opened, setPutFault: (f: () => Error) => (putFault = f) };
}

const url = (path: string) => `${ORIGIN}/vm/${path}`;
const imageFiles = (bodies: Record<string, string>) => Object.keys(bodies).filter((p) => p !== 'manifest.json');

test('downloads every file of the image into the lab cache, with progress up to the total', async () => {
  const site = fakeSite();
  const seen: DownloadProgress[] = [];
  const result = await downloadLab(site.env, { onProgress: (p) => seen.push(p) });
  assert.equal(result.bytes, site.total);
  assert.equal(result.files, 9);
  assert.ok(site.opened.every((n) => n === LAB_CACHE));
  for (const path of imageFiles(site.bodies)) {
    assert.equal(new TextDecoder().decode(site.stored.get(url(path))), site.bodies[path], `${path} is cached whole`);
  }
  assert.ok(site.requests.filter((r) => r.path !== 'manifest.json' && r.path !== 'fs.9999.json').every((r) => r.download), 'image requests say they are the download');
  const dones = seen.map((p) => p.done);
  assert.deepEqual(dones, [...dones].sort((a, b) => a - b), 'progress never goes back');
  assert.deepEqual(seen.at(-1), { done: site.total, total: site.total, filesDone: 9, files: 9 });
});

test('files already cached are not fetched again', async () => {
  const site = fakeSite();
  site.stored.set(url('state.aaaa.bin.zst'), new TextEncoder().encode(site.bodies['state.aaaa.bin.zst']));
  site.stored.set(url(`fs/${sha('1')}`), new TextEncoder().encode('one'));
  let first: DownloadProgress | undefined;
  await downloadLab(site.env, { onProgress: (p) => (first ??= p) });
  assert.equal(first?.done, 5000 + 3, 'the cached files count from the start');
  const fetched = site.requests.filter((r) => r.download).map((r) => r.path);
  assert.equal(fetched.includes('state.aaaa.bin.zst'), false);
  assert.equal(fetched.includes(`fs/${sha('1')}`), false);
  assert.equal(fetched.length, 7);
});

test('a dropped connection is tried again, and its half-file is not counted twice', async () => {
  const site = fakeSite();
  site.faults.set('state.aaaa.bin.zst', ['cut', 'throw']);
  const seen: DownloadProgress[] = [];
  const result = await downloadLab(site.env, { onProgress: (p) => seen.push(p), attempts: 3 });
  assert.equal(result.bytes, site.total);
  assert.ok(seen.every((p) => p.done <= p.total), 'progress never passes the total');
  assert.equal(site.requests.filter((r) => r.path === 'state.aaaa.bin.zst').length, 3);
});

test('a file that keeps failing stops the download with its name; what was fetched stays for the next try', async () => {
  const site = fakeSite();
  site.faults.set(`fs/${sha('2')}.zst`, ['throw', 'throw']);
  await assert.rejects(downloadLab(site.env, { attempts: 2, concurrency: 1 }), (e: unknown) => {
    assert.ok(e instanceof LabDownloadError);
    assert.deepEqual(e.failure, { code: 'network', file: `fs/${sha('2')}.zst` });
    assert.match(e.message, /after 2 tries/);
    return true;
  });
  assert.ok(site.stored.has(url('state.aaaa.bin.zst')), 'the files before it are kept');
  site.requests.length = 0;
  await downloadLab(site.env);
  const fetched = site.requests.filter((r) => r.download).map((r) => r.path);
  assert.ok(fetched.includes(`fs/${sha('2')}.zst`));
  assert.equal(fetched.includes('state.aaaa.bin.zst'), false, 'the second try resumes');
});

test('an HTTP error is reported with its status and file, without retrying', async () => {
  const site = fakeSite();
  site.faults.set('v86.bbbb.wasm', [404]);
  await assert.rejects(downloadLab(site.env, { concurrency: 1 }), (e: unknown) => {
    assert.ok(e instanceof LabDownloadError);
    assert.deepEqual(e.failure, { code: 'http', file: 'v86.bbbb.wasm', status: 404 });
    return true;
  });
  assert.equal(site.requests.filter((r) => r.path === 'v86.bbbb.wasm').length, 1);
});

test('no manifest on the site: the failure names it', async () => {
  const site = fakeSite();
  site.faults.set('manifest.json', [404]);
  await assert.rejects(downloadLab(site.env), (e: unknown) => e instanceof LabDownloadError && e.failure.code === 'http' && e.failure.file === 'manifest.json');
});

test('too little storage left: it says how much is needed and free, before fetching anything', async () => {
  const site = fakeSite();
  site.env.estimate = async () => ({ quota: 1000, usage: 400 });
  await assert.rejects(downloadLab(site.env), (e: unknown) => {
    assert.ok(e instanceof LabDownloadError);
    assert.deepEqual(e.failure, { code: 'quota', neededBytes: site.total, freeBytes: 600 });
    return true;
  });
  assert.equal(site.requests.filter((r) => r.download).length, 0);
});

test('the browser refusing a write (quota exceeded) is a quota failure, not a network one', async () => {
  const site = fakeSite();
  site.env.estimate = async () => ({ quota: 1e9, usage: 0 });
  site.setPutFault(() => new DOMException('The quota has been exceeded.', 'QuotaExceededError'));
  await assert.rejects(downloadLab(site.env, { concurrency: 1 }), (e: unknown) => {
    assert.ok(e instanceof LabDownloadError);
    assert.equal(e.failure.code, 'quota');
    return true;
  });
});
