// The workshop mode of the server (`serve.mjs --workshop`): learners opt in from the page and
// report their progress; the trainer watches the room at /trainer. main.ts hands every request to
// handle() first; it answers /api/workshop/* and /trainer* and leaves the rest to the static files.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { MAX_BODY_BYTES, REPORT_STATES, WORKSHOP_API, cleanName, type ErrorAnswer, type JoinAnswer, type ReportState } from '../../lab/workshop-protocol.ts';
import { pickLocale, isLocale } from '../../i18n/locales.ts';
import { readCourse, type Course } from './course.ts';
import { EventLog } from './event-log.ts';
import { RateLimiter, type Limit } from './rate-limit.ts';
import { Room, type WorkshopEvent } from './room.ts';
import { progressCsv } from './csv.ts';
import { trainerPage } from './trainer-page.ts';

export interface Workshop {
  /** The trainer's token: /trainer?token=<token> */
  token: string;
  /** Answers the workshop's routes; false for any other request (the static files take it). */
  handle(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
  close(): Promise<void>;
}

export interface WorkshopLimits {
  /** Reports from one learner. */
  perLearner: Limit;
  /** Any workshop request from one address (a flood with made-up secrets too). */
  perAddress: Limit;
  /** Joins from one address. */
  joinsPerAddress: Limit;
}

export const DEFAULT_LIMITS: WorkshopLimits = {
  // A learner joining with a whole course already done sends ~50 reports at once, then a few a minute.
  perLearner: { burst: 60, perSecond: 2 },
  perAddress: { burst: 120, perSecond: 10 },
  joinsPerAddress: { burst: 10, perSecond: 0.2 },
};

export interface WorkshopOptions {
  /** Where the progress log (and the trainer's token, when none is given) is kept. */
  dataDir: string;
  /** The trainer's token; by default one is made on first start and kept in dataDir. */
  token?: string;
  log?: (line: string) => void;
  /** The exported site, whose lessons.json lists the lessons and steps reports may name. */
  siteDir?: string;
  /** The course itself (tests); read from siteDir otherwise. */
  course?: Course;
  /** How long without progress on an unfinished step counts as stuck (default 10 minutes). */
  stuckAfterMs?: number;
  limits?: Partial<WorkshopLimits>;
  /** The clock (tests). */
  now?: () => number;
}

const TOKEN_FILE = 'trainer-token';
const SESSION_COOKIE = 'runtime_lab_trainer';
const MAX_EVENT_STREAMS = 20;
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const randomSecret = (bytes: number) => randomBytes(bytes).toString('base64url');
// Hex for ids: they show up in the CSV, where a base64url id starting with "-" would look like a formula.
const randomId = (bytes: number) => randomBytes(bytes).toString('hex');
/** Reports queued on a page for longer than this are dated this far back at most (a page's clock may be wrong). */
const OLDEST_REPORT_MS = 30 * 24 * 3600_000;

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', ...headers });
  res.end(text);
}

function sendError(res: ServerResponse, e: HttpError): void {
  const body: ErrorAnswer = { error: e.code, message: e.message };
  sendJson(res, e.status, body, e.headers);
}

/**
 * The request's JSON body, read up to MAX_BODY_BYTES. A larger body is refused with 413 without
 * reading the rest (the connection is closed after the answer, so the rest is never read).
 */
async function readJsonBody(req: IncomingMessage, res: ServerResponse): Promise<unknown> {
  const type = String(req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/json') throw new HttpError(415, 'not-json', 'Send the report as JSON with Content-Type: application/json.');
  const tooLarge = () => {
    res.setHeader('connection', 'close');
    res.once('finish', () => req.destroy());
    return new HttpError(413, 'too-large', `The request body is larger than ${MAX_BODY_BYTES} bytes; a report is a few hundred bytes. Nothing was recorded.`);
  };
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  const over = await new Promise<boolean>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.off('data', onData);
        req.pause();
        resolve(true);
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(false));
    req.once('error', reject);
  });
  if (over) throw tooLarge();
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'malformed-json', 'The request body is not valid JSON. Nothing was recorded.');
  }
}

function nameProblem(problem: 'name-missing' | 'name-too-long' | 'name-invalid'): HttpError {
  const message = {
    'name-missing': 'Give a display name (the trainer sees it; other learners never do).',
    'name-too-long': 'That display name is too long: use at most 40 characters.',
    'name-invalid': 'That display name holds control or invisible characters: use letters, digits and spaces.',
  }[problem];
  return new HttpError(400, problem, message);
}

function bearer(req: IncomingMessage): string | undefined {
  const m = /^Bearer\s+(\S+)$/i.exec(String(req.headers.authorization ?? ''));
  return m?.[1];
}

function cookies(req: IncomingMessage): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of String(req.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0) out.set(part.slice(0, i).trim(), part.slice(i + 1).trim());
  }
  return out;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(sha256(a));
  const y = Buffer.from(sha256(b));
  return timingSafeEqual(x, y);
}

async function trainerToken(dataDir: string, given: string | undefined): Promise<string> {
  if (given) return given;
  const file = join(dataDir, TOKEN_FILE);
  const kept = (await readFile(file, 'utf8').catch(() => '')).trim();
  if (kept) return kept;
  // Kept across restarts, so the trainer's open tab (its cookie) keeps working after one.
  const token = randomSecret(18);
  await mkdir(dataDir, { recursive: true });
  await writeFile(file, `${token}\n`, { mode: 0o600 });
  return token;
}

export async function createWorkshop(opts: WorkshopOptions): Promise<Workshop> {
  const log = opts.log ?? (() => undefined);
  const now = opts.now ?? Date.now;
  const stuckAfterMs = opts.stuckAfterMs ?? 10 * 60_000;
  const limits = { ...DEFAULT_LIMITS, ...opts.limits };
  const course = opts.course ?? (await readCourse(opts.siteDir ?? join(process.cwd(), 'out')));
  const token = await trainerToken(opts.dataDir, opts.token);
  const session = createHmac('sha256', token).update('runtime-lab trainer session').digest('base64url');
  const room = new Room(course);
  const opened = await EventLog.open<WorkshopEvent>(opts.dataDir);
  const eventLog = opened.log;
  for (const e of opened.events) room.apply(e);
  log(`Workshop: ${room.learners.size} learner(s), ${opened.events.length} event(s) replayed from ${eventLog.path}`);
  if (opened.tornBytes) log(`Workshop: the log's last line was cut off by a crash (${opened.tornBytes} bytes, kept beside it as ${eventLog.path}.torn-*): that one report is lost, the rest is kept.`);
  if (opened.skippedLines) log(`Workshop: ${opened.skippedLines} damaged line(s) in ${eventLog.path} were skipped.`);

  const perLearner = new RateLimiter(limits.perLearner, now);
  const perAddress = new RateLimiter(limits.perAddress, now);
  const joins = new RateLimiter(limits.joinsPerAddress, now);
  const streams = new Set<ServerResponse>();
  let pushTimer: NodeJS.Timeout | undefined;

  const limited = (limiter: RateLimiter, key: string, what: string) => {
    const wait = limiter.take(key);
    if (wait) throw new HttpError(429, 'rate-limited', `Too many ${what}: wait ${wait} s and try again.`, { 'retry-after': String(wait) });
  };

  /** Records an event: on disk first, then in the room, then pushed to the trainer's open views. */
  const record = async (event: WorkshopEvent) => {
    await eventLog.append(event);
    room.apply(event);
    // Many reports arrive together (a learner joining with their backlog): one push for the burst.
    pushTimer ??= setTimeout(() => {
      pushTimer = undefined;
      pushRoom();
    }, 200);
  };

  const roomJson = () => JSON.stringify(room.view(now(), stuckAfterMs));
  const pushRoom = () => {
    if (!streams.size) return;
    const frame = `event: room\ndata: ${roomJson()}\n\n`;
    for (const s of streams) s.write(frame);
  };

  const learnerFor = (req: IncomingMessage) => {
    const secret = bearer(req);
    if (!secret) throw new HttpError(401, 'no-secret', 'Join the workshop first: this request carries no learner secret (Authorization: Bearer ...).');
    const learner = room.learnerBySecretHash(sha256(secret));
    if (!learner) throw new HttpError(401, 'unknown-learner', 'This workshop does not know that learner (the trainer may have started a new one): join again.');
    return learner;
  };

  const handleApi = async (req: IncomingMessage, res: ServerResponse, path: string, address: string) => {
    const route = Object.entries(WORKSHOP_API).find(([, p]) => p === path)?.[0];
    if (!route) throw new HttpError(404, 'no-such-route', `There is no workshop route ${path}.`);
    const allow = route === 'status' || route === 'me' ? 'GET, HEAD' : 'POST';
    if (!allow.split(', ').includes(req.method ?? '')) throw new HttpError(405, 'wrong-method', `${path} answers ${allow} only.`, { allow });
    limited(perAddress, address, 'requests from this address');
    if (route === 'status') return sendJson(res, 200, { workshop: true });
    if (route === 'me') {
      const learner = learnerFor(req);
      return sendJson(res, 200, { learnerId: learner.id, name: learner.name });
    }
    if (route === 'join') {
      limited(joins, address, 'joins from this address');
      const body = (await readJsonBody(req, res)) as { name?: unknown } | null;
      if (!body || typeof body !== 'object' || Array.isArray(body)) throw new HttpError(400, 'not-an-object', 'Send {"name": "..."}.');
      const cleaned = cleanName(body.name);
      if ('problem' in cleaned) throw nameProblem(cleaned.problem);
      const secret = randomSecret(32);
      const learnerId = randomId(8);
      await record({ type: 'join', learnerId, name: cleaned.name, secretHash: sha256(secret), at: now() });
      log(`Workshop: ${cleaned.name} joined`);
      const answer: JoinAnswer = { learnerId, secret, name: cleaned.name };
      return sendJson(res, 201, answer);
    }
    // progress
    const learner = learnerFor(req);
    limited(perLearner, learner.id, 'reports from this learner');
    const body = (await readJsonBody(req, res)) as Record<string, unknown> | null;
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw new HttpError(400, 'not-an-object', 'Send {"lessonId", "stepId", "state", "at"}.');
    const { lessonId, stepId, state, at } = body;
    if (typeof lessonId !== 'string') throw new HttpError(400, 'lesson-missing', 'The report names no lesson (lessonId).');
    const lesson = room.lesson(lessonId);
    if (!lesson) throw new HttpError(422, 'unknown-lesson', `This site has no lesson "${lessonId.slice(0, 80)}". Nothing was recorded.`);
    if (typeof state !== 'string' || !(REPORT_STATES as readonly string[]).includes(state)) throw new HttpError(400, 'unknown-state', `state must be one of ${REPORT_STATES.join(', ')}.`);
    if (state === 'opened') {
      if (stepId !== null && stepId !== undefined) throw new HttpError(400, 'step-not-expected', 'An "opened" report names the lesson only: send stepId null.');
    } else if (typeof stepId !== 'string' || !lesson.steps.some((s) => s.id === stepId)) {
      throw new HttpError(422, 'unknown-step', `Lesson "${lessonId}" has no step or quiz ${JSON.stringify(typeof stepId === 'string' ? stepId.slice(0, 80) : stepId)}. Nothing was recorded.`);
    }
    if (typeof at !== 'number' || !Number.isFinite(at) || at < 0) throw new HttpError(400, 'bad-time', 'at must be the time of the event in milliseconds since 1970.');
    const receivedAt = now();
    // A page's clock may be off: the record never claims a time after the server's, nor long before it.
    const when = Math.max(receivedAt - OLDEST_REPORT_MS, Math.min(Math.round(at), receivedAt));
    const event: WorkshopEvent = { type: 'progress', learnerId: learner.id, lessonId, stepId: state === 'opened' ? null : (stepId as string), state: state as ReportState, at: when, receivedAt };
    const changes = room.changes(event);
    if (changes) await record(event);
    return sendJson(res, 200, { recorded: changes });
  };

  const trainerAuth = (req: IncomingMessage, res: ServerResponse, url: URL): boolean => {
    const given = url.searchParams.get('token');
    if (given !== null) {
      if (!sameSecret(given, token)) throw new HttpError(403, 'wrong-token', 'That trainer token is wrong. Use the Trainer view address the server printed when it started.');
      // Swap the token in the address for a cookie, so it does not stay in the history or get shared with a screenshot.
      url.searchParams.delete('token');
      res.writeHead(303, {
        location: `${url.pathname}${url.search}`,
        'set-cookie': `${SESSION_COOKIE}=${session}; Path=/trainer; HttpOnly; SameSite=Strict; Max-Age=${7 * 24 * 3600}`,
        'cache-control': 'no-store',
      });
      res.end();
      return false;
    }
    const auth = bearer(req);
    if (auth !== undefined) {
      if (!sameSecret(auth, token)) throw new HttpError(403, 'wrong-token', 'That trainer token is wrong. Use the token the server printed when it started.');
      return true;
    }
    const cookie = cookies(req).get(SESSION_COOKIE);
    if (cookie !== undefined && sameSecret(cookie, session)) return true;
    throw new HttpError(401, 'trainer-only', 'The trainer view needs the token the server printed when it started: open the Trainer view address from its terminal.');
  };

  const handleTrainer = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'wrong-method', 'The trainer view answers GET only.', { allow: 'GET, HEAD' });
    const path = url.pathname.replace(/\/+$/, '') || '/trainer';
    const known = ['/trainer', '/trainer/room.json', '/trainer/events', '/trainer/progress.csv'];
    if (!known.includes(path)) throw new HttpError(404, 'no-such-route', `There is no trainer page ${path}.`);
    if (!trainerAuth(req, res, url)) return;
    if (path === '/trainer') {
      const lang = url.searchParams.get('lang');
      const locale = isLocale(lang) ? lang : pickLocale(String(req.headers['accept-language'] ?? '').split(',').map((s) => s.split(';')[0].trim()));
      const html = trainerPage(locale);
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'content-length': Buffer.byteLength(html),
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
        'x-frame-options': 'DENY',
      });
      res.end(req.method === 'HEAD' ? undefined : html);
      return;
    }
    if (path === '/trainer/room.json') {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : roomJson());
      return;
    }
    if (path === '/trainer/progress.csv') {
      const csv = progressCsv(room, now(), stuckAfterMs);
      const day = new Date(now()).toISOString().slice(0, 10);
      res.writeHead(200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="runtime-lab-progress-${day}.csv"`,
        'cache-control': 'no-store',
      });
      res.end(req.method === 'HEAD' ? undefined : csv);
      return;
    }
    // Server-sent events: the room on connect and after every change; a comment keeps proxies from timing out.
    if (streams.size >= MAX_EVENT_STREAMS) throw new HttpError(503, 'too-many-views', `At most ${MAX_EVENT_STREAMS} trainer views can be open at once: close one.`, { 'retry-after': '10' });
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive' });
    res.write(`retry: 3000\nevent: room\ndata: ${roomJson()}\n\n`);
    streams.add(res);
    const beat = setInterval(() => res.write(': still here\n\n'), 25_000);
    res.on('close', () => {
      clearInterval(beat);
      streams.delete(res);
    });
  };

  return {
    token,
    async handle(req, res) {
      const url = new URL(req.url ?? '/', 'http://workshop.invalid');
      const path = url.pathname;
      const isApi = path === '/api/workshop' || path.startsWith('/api/workshop/');
      const isTrainer = path === '/trainer' || path.startsWith('/trainer/');
      if (!isApi && !isTrainer) return false;
      try {
        if (isApi) await handleApi(req, res, path, req.socket.remoteAddress ?? 'unknown');
        else await handleTrainer(req, res, url);
      } catch (e) {
        if (res.headersSent) {
          res.destroy();
        } else if (e instanceof HttpError) {
          sendError(res, e);
        } else {
          log(`Workshop: ${req.method} ${path} failed: ${(e as Error).stack ?? e}`);
          sendError(res, new HttpError(500, 'server-error', 'The workshop server could not record this (see its terminal). Try again in a moment.'));
        }
      }
      return true;
    },
    async close() {
      clearTimeout(pushTimer);
      for (const s of streams) s.end();
      streams.clear();
      await eventLog.close();
    },
  };
}
