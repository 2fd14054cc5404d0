import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request, type Server } from 'node:http';
import { appendFile, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { createWorkshop, type Workshop, type WorkshopOptions } from './workshop.ts';
import { LOG_FILE } from './event-log.ts';
import type { Course } from './course.ts';
import type { RoomView } from './room.ts';

const COURSE: Course = {
  format: 1,
  lessons: [
    { id: 'meet-the-lab', titles: { en: 'Meet the lab' }, steps: [{ id: 'pid1', kind: 'step', titles: { en: 'PID 1' } }, { id: 'tag', kind: 'step', titles: { en: 'Tag' } }] },
    { id: 'other-runtimes', titles: { en: 'Other runtimes' }, steps: [{ id: 'kata', kind: 'quiz' }] },
  ],
};

interface Running {
  workshop: Workshop;
  server: Server;
  base: string;
  dataDir: string;
  stop(): Promise<void>;
}

async function start(opts: Partial<WorkshopOptions> = {}): Promise<Running> {
  const dataDir = opts.dataDir ?? (await mkdtemp(join(tmpdir(), 'workshop-')));
  const workshop = await createWorkshop({ course: COURSE, token: 'trainer-secret-token', ...opts, dataDir });
  const server = createServer(async (req, res) => {
    if (!(await workshop.handle(req, res))) res.writeHead(404).end('static');
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    workshop,
    server,
    base,
    dataDir,
    async stop() {
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
      await workshop.close();
    },
  };
}

const json = (body: unknown) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

async function joinAs(base: string, name: string) {
  const r = await fetch(`${base}/api/workshop/join`, json({ name }));
  assert.equal(r.status, 201, await r.clone().text());
  return (await r.json()) as { learnerId: string; secret: string; name: string };
}

function report(base: string, secret: string | undefined, body: unknown) {
  return fetch(`${base}/api/workshop/progress`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(secret ? { authorization: `Bearer ${secret}` } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

async function roomOf(base: string): Promise<RoomView> {
  const r = await fetch(`${base}/trainer/room.json`, { headers: { authorization: 'Bearer trainer-secret-token' } });
  assert.equal(r.status, 200);
  return (await r.json()) as RoomView;
}

async function expectError(r: Response, status: number, code: string) {
  assert.equal(r.status, status, `expected ${status} ${code}`);
  assert.match(r.headers.get('content-type') ?? '', /application\/json/);
  const body = (await r.json()) as { error: string; message: string };
  assert.equal(body.error, code);
  assert.ok(body.message.length > 10, 'the error says what happened to a person');
}

test('status says workshop mode is on; other paths are left to the static files', async () => {
  const w = await start();
  try {
    const r = await fetch(`${w.base}/api/workshop/status`);
    assert.equal(r.status, 200);
    assert.deepEqual(await r.json(), { workshop: true });
    assert.equal(await (await fetch(`${w.base}/en/`)).text(), 'static');
    await expectError(await fetch(`${w.base}/api/workshop/learners`), 404, 'no-such-route');
    await expectError(await fetch(`${w.base}/api/workshop/join`), 405, 'wrong-method');
  } finally {
    await w.stop();
  }
});

test('a learner joins, reports passes and an opened lesson; the room, the log and a restart keep them', async () => {
  const w = await start();
  const ada = await joinAs(w.base, '  Ada   Lovelace ');
  assert.equal(ada.name, 'Ada Lovelace');
  assert.ok(ada.secret.length >= 32 && ada.learnerId);
  let r = await report(w.base, ada.secret, { lessonId: 'meet-the-lab', stepId: null, state: 'opened', at: Date.now() });
  assert.deepEqual(await r.json(), { recorded: true });
  r = await report(w.base, ada.secret, { lessonId: 'meet-the-lab', stepId: 'pid1', state: 'passed', at: Date.now() });
  assert.deepEqual(await r.json(), { recorded: true });
  // The same pass again changes nothing and is not logged twice.
  r = await report(w.base, ada.secret, { lessonId: 'meet-the-lab', stepId: 'pid1', state: 'passed', at: Date.now() });
  assert.deepEqual(await r.json(), { recorded: false });
  r = await report(w.base, ada.secret, { lessonId: 'meet-the-lab', stepId: 'tag', state: 'failed', at: Date.now() });
  assert.deepEqual(await r.json(), { recorded: true });
  const me = await fetch(`${w.base}/api/workshop/me`, { headers: { authorization: `Bearer ${ada.secret}` } });
  assert.deepEqual(await me.json(), { learnerId: ada.learnerId, name: 'Ada Lovelace' });

  const before = await roomOf(w.base);
  assert.equal(before.learners.length, 1);
  const [l] = before.learners;
  assert.equal(l.currentLesson, 'meet-the-lab');
  assert.equal(l.currentStep, 'tag');
  assert.ok(l.steps['meet-the-lab'].pid1.passedAt);
  assert.equal(l.steps['meet-the-lab'].tag.failures, 1);
  const lines = (await readFile(join(w.dataDir, LOG_FILE), 'utf8')).trim().split('\n');
  assert.equal(lines.length, 4, 'join, opened, passed, failed');
  assert.ok(!lines.join('').includes(ada.secret), 'the log holds a hash of the secret, never the secret');
  await w.stop();

  const again = await start({ dataDir: w.dataDir });
  try {
    const after = await roomOf(again.base);
    assert.deepEqual(after.learners.map((x) => ({ ...x, idleMs: 0, stuck: false })), before.learners.map((x) => ({ ...x, idleMs: 0, stuck: false })));
    // The learner's secret still works after the restart.
    r = await report(again.base, ada.secret, { lessonId: 'meet-the-lab', stepId: 'tag', state: 'passed', at: Date.now() });
    assert.deepEqual(await r.json(), { recorded: true });
  } finally {
    await again.stop();
  }
});

test('a crash mid-write (a torn last line) loses only that line', async () => {
  const w = await start();
  const bo = await joinAs(w.base, 'Bo');
  await report(w.base, bo.secret, { lessonId: 'meet-the-lab', stepId: 'pid1', state: 'passed', at: 1 });
  await w.stop();
  await appendFile(join(w.dataDir, LOG_FILE), '{"type":"progress","learnerId":"');
  const lines: string[] = [];
  const again = await start({ dataDir: w.dataDir, log: (line) => lines.push(line) });
  try {
    const room = await roomOf(again.base);
    assert.equal(room.learners[0].name, 'Bo');
    assert.ok(room.learners[0].steps['meet-the-lab'].pid1.passedAt !== undefined);
    assert.ok(lines.some((l) => /cut off by a crash/.test(l)), lines.join('\n'));
  } finally {
    await again.stop();
  }
});

test('every bad report is refused with a clear 4xx and changes nothing', async () => {
  const w = await start();
  try {
    const cy = await joinAs(w.base, 'Cy');
    const logBefore = await readFile(join(w.dataDir, LOG_FILE), 'utf8');
    const ok = { lessonId: 'meet-the-lab', stepId: 'pid1', state: 'passed', at: Date.now() };
    await expectError(await report(w.base, undefined, ok), 401, 'no-secret');
    await expectError(await report(w.base, 'made-up-secret', ok), 401, 'unknown-learner');
    await expectError(await report(w.base, cy.secret, '{"lessonId": "meet-the-lab",'), 400, 'malformed-json');
    await expectError(await report(w.base, cy.secret, [1, 2]), 400, 'not-an-object');
    await expectError(await report(w.base, cy.secret, { ...ok, lessonId: 'no-such-lesson' }), 422, 'unknown-lesson');
    await expectError(await report(w.base, cy.secret, { ...ok, lessonId: undefined }), 400, 'lesson-missing');
    await expectError(await report(w.base, cy.secret, { ...ok, stepId: 'kata' }), 422, 'unknown-step');
    await expectError(await report(w.base, cy.secret, { ...ok, stepId: 42 }), 422, 'unknown-step');
    await expectError(await report(w.base, cy.secret, { ...ok, state: 'done' }), 400, 'unknown-state');
    await expectError(await report(w.base, cy.secret, { ...ok, state: 'opened' }), 400, 'step-not-expected');
    await expectError(await report(w.base, cy.secret, { ...ok, at: 'yesterday' }), 400, 'bad-time');
    const asText = await fetch(`${w.base}/api/workshop/progress`, { method: 'POST', headers: { 'content-type': 'text/plain', authorization: `Bearer ${cy.secret}` }, body: JSON.stringify(ok) });
    await expectError(asText, 415, 'not-json');
    await expectError(await report(w.base, cy.secret, { ...ok, padding: 'x'.repeat(5000) }), 413, 'too-large');
    assert.equal(await readFile(join(w.dataDir, LOG_FILE), 'utf8'), logBefore, 'nothing was logged');
    const room = await roomOf(w.base);
    assert.deepEqual(room.learners[0].steps, {});
  } finally {
    await w.stop();
  }
});

test('an oversized body without Content-Length (chunked) is cut off at 4 KiB with 413', async () => {
  const w = await start();
  try {
    const { port } = w.server.address() as AddressInfo;
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/api/workshop/join', method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.write(`{"name":"${'y'.repeat(3000)}`);
      setTimeout(() => req.end(`${'z'.repeat(3000)}"}`), 50);
    });
    assert.equal(answer.status, 413);
    assert.equal(JSON.parse(answer.body).error, 'too-large');
    assert.equal((await roomOf(w.base)).learners.length, 0);
  } finally {
    await w.stop();
  }
});

test('names: empty, too long and invisible characters are refused', async () => {
  const w = await start();
  try {
    const tryJoin = (name: unknown) => fetch(`${w.base}/api/workshop/join`, json({ name }));
    await expectError(await tryJoin('   '), 400, 'name-missing');
    await expectError(await tryJoin(undefined), 400, 'name-missing');
    await expectError(await tryJoin('x'.repeat(41)), 400, 'name-too-long');
    await expectError(await tryJoin('evil\u202Eeman'), 400, 'name-invalid');
    assert.equal((await joinAs(w.base, '李'.repeat(40))).name.length, 40, '40 characters, whatever the script, are fine');
  } finally {
    await w.stop();
  }
});

test('floods: one learner, and one address, are slowed with 429 and Retry-After', async () => {
  let clock = 1_000_000;
  const w = await start({ now: () => clock, limits: { perLearner: { burst: 3, perSecond: 1 }, perAddress: { burst: 8, perSecond: 1 }, joinsPerAddress: { burst: 2, perSecond: 0.1 } } });
  try {
    const dee = await joinAs(w.base, 'Dee');
    const at = Date.now();
    for (const step of ['pid1', 'tag', 'pid1']) assert.equal((await report(w.base, dee.secret, { lessonId: 'meet-the-lab', stepId: step, state: 'failed', at })).status, 200);
    const limited = await report(w.base, dee.secret, { lessonId: 'meet-the-lab', stepId: 'pid1', state: 'passed', at });
    assert.equal(limited.headers.get('retry-after'), '1');
    await expectError(limited, 429, 'rate-limited');
    assert.equal((await roomOf(w.base)).learners[0].steps['meet-the-lab'].pid1.passedAt, undefined, 'the refused report changed nothing');
    clock += 1000; // a second later one more is allowed
    assert.equal((await report(w.base, dee.secret, { lessonId: 'meet-the-lab', stepId: 'pid1', state: 'passed', at })).status, 200);
    // Joins from one address: the third within the burst is refused, with the wait (0.1 token
    // came back in the second that passed: 0.9 token more takes 9 s).
    await joinAs(w.base, 'Eve');
    const third = await fetch(`${w.base}/api/workshop/join`, json({ name: 'Fay' }));
    assert.equal(third.headers.get('retry-after'), '9');
    await expectError(third, 429, 'rate-limited');
    // The address's own budget (8, plus 1 back after the second) has 1 left: made-up secrets
    // then get 429 before their secret is even looked at.
    await expectError(await report(w.base, 'made-up', {}), 401, 'unknown-learner');
    await expectError(await report(w.base, 'made-up', {}), 429, 'rate-limited');
  } finally {
    await w.stop();
  }
});

test('the trainer view: no token 401, a wrong token 403 with no data, the right one swaps for a cookie', async () => {
  const w = await start();
  try {
    await joinAs(w.base, 'Gil');
    const none = await fetch(`${w.base}/trainer`);
    assert.equal(none.status, 401);
    const wrong = await fetch(`${w.base}/trainer?token=guess`, { redirect: 'manual' });
    assert.equal(wrong.status, 403);
    assert.ok(!(await wrong.text()).includes('Gil'));
    for (const path of ['/trainer/room.json', '/trainer/progress.csv', '/trainer/events']) {
      assert.equal((await fetch(`${w.base}${path}`)).status, 401, path);
      assert.equal((await fetch(`${w.base}${path}`, { headers: { authorization: 'Bearer guess' } })).status, 403, path);
      assert.equal((await fetch(`${w.base}${path}`, { headers: { cookie: 'runtime_lab_trainer=forged' } })).status, 401, path);
    }
    const right = await fetch(`${w.base}/trainer?token=trainer-secret-token&lang=zh`, { redirect: 'manual' });
    assert.equal(right.status, 303);
    assert.equal(right.headers.get('location'), '/trainer?lang=zh', 'the token leaves the address');
    const cookie = (right.headers.get('set-cookie') ?? '').split(';')[0];
    assert.match(right.headers.get('set-cookie') ?? '', /HttpOnly; SameSite=Strict/);
    assert.ok(!cookie.includes('trainer-secret-token'), 'the cookie is not the token itself');
    const page = await fetch(`${w.base}/trainer?lang=zh`, { headers: { cookie } });
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.match(html, /<html lang="zh-CN">/);
    assert.match(html, /讲师视图/);
    const room = await fetch(`${w.base}/trainer/room.json`, { headers: { cookie } });
    assert.equal(((await room.json()) as RoomView).learners[0].name, 'Gil');
  } finally {
    await w.stop();
  }
});

test('learners never see each other: no learner route returns another learner', async () => {
  const w = await start();
  try {
    const a = await joinAs(w.base, 'Hal');
    const b = await joinAs(w.base, 'Ivy');
    const meA = await (await fetch(`${w.base}/api/workshop/me`, { headers: { authorization: `Bearer ${a.secret}` } })).text();
    assert.ok(meA.includes('Hal') && !meA.includes('Ivy'));
    const joinAnswer = JSON.stringify(b);
    assert.ok(!joinAnswer.includes('Hal'));
    // A learner's secret is not a trainer's token.
    assert.equal((await fetch(`${w.base}/trainer/room.json`, { headers: { authorization: `Bearer ${a.secret}` } })).status, 403);
  } finally {
    await w.stop();
  }
});

test('the trainer token is made once and kept in the data folder across restarts', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'workshop-'));
  const first = await createWorkshop({ dataDir, course: COURSE });
  await first.close();
  const second = await createWorkshop({ dataDir, course: COURSE });
  await second.close();
  assert.ok(first.token.length >= 20);
  assert.equal(second.token, first.token);
});

test('the live view gets the room at once and again after a change', async () => {
  const w = await start();
  try {
    const ctrl = new AbortController();
    const r = await fetch(`${w.base}/trainer/events`, { headers: { authorization: 'Bearer trainer-secret-token' }, signal: ctrl.signal });
    assert.match(r.headers.get('content-type') ?? '', /text\/event-stream/);
    const reader = r.body!.getReader();
    const frames: RoomView[] = [];
    let buffer = '';
    const nextRoom = async () => {
      for (;;) {
        const frame = /event: room\ndata: (.*)\n\n/.exec(buffer);
        if (frame) {
          buffer = buffer.slice(frame.index + frame[0].length);
          return JSON.parse(frame[1]) as RoomView;
        }
        const { value, done } = await reader.read();
        if (done) throw new Error('the event stream ended');
        buffer += new TextDecoder().decode(value);
      }
    };
    frames.push(await nextRoom());
    assert.equal(frames[0].learners.length, 0);
    await joinAs(w.base, 'Jo');
    frames.push(await nextRoom());
    assert.deepEqual(frames[1].learners.map((l) => l.name), ['Jo']);
    ctrl.abort();
  } finally {
    await w.stop();
  }
});
