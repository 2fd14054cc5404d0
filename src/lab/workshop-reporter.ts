// The learner's side of a workshop (`serve.mjs --workshop`): find out whether the server the page
// came from runs one, join it with a display name, and report progress to it. Reports wait in a
// queue kept in localStorage until the server has them, so a dropped Wi-Fi or a reload loses
// nothing; what the server already has is remembered, so a reload does not send it all again.
// No React and no page globals here: the page wires it to its stores (workshop-page.ts).
import { createStore } from 'zustand/vanilla';
import { WORKSHOP_API, type ErrorAnswer, type JoinAnswer, type ProgressReport } from './workshop-protocol.ts';

export const WORKSHOP_KEY = 'runtime-lab:workshop';
/** Enough for every step of the course several times over; beyond it the oldest are dropped. */
export const MAX_QUEUE = 500;
const RETRY_FIRST_MS = 2_000;
const RETRY_MAX_MS = 60_000;

export interface Membership {
  learnerId: string;
  secret: string;
  name: string;
}

/** What is kept in localStorage. */
interface Saved {
  membership: Membership | null;
  dismissed: boolean;
  /** "lesson/step" the server has as passed (for this membership). */
  sent: string[];
  queue: ProgressReport[];
  /** The last lesson reported as opened. */
  opened: string | null;
}

export type JoinProblem = 'name-missing' | 'name-too-long' | 'name-invalid' | 'rate-limited' | 'network' | 'other';

export interface WorkshopView {
  /** unknown: not asked yet; off: the server runs no workshop (or could not be asked). */
  mode: 'unknown' | 'off' | 'on';
  membership: Membership | null;
  dismissed: boolean;
  joining: boolean;
  /** Reports not yet on the server. */
  pending: number;
  joinError: { problem: JoinProblem; message?: string } | null;
}

/** What the reporter sees of the learner's progress store. */
export interface ProgressSnapshot {
  currentLesson: string | null;
  passed: Record<string, string[]>;
}

export interface ReporterDeps {
  fetch: typeof fetch;
  /** localStorage, or a Map-backed stand-in in tests. */
  storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;
  now?: () => number;
  setTimeout?: (fn: () => void, ms: number) => unknown;
  clearTimeout?: (handle: unknown) => void;
  /** Where a report that can never be accepted is mentioned (the console). */
  warn?: (message: string) => void;
}

const stepKey = (lesson: string, step: string) => `${lesson}/${step}`;

function readSaved(storage: ReporterDeps['storage']): Saved {
  const empty: Saved = { membership: null, dismissed: false, sent: [], queue: [], opened: null };
  try {
    const s = JSON.parse(storage.getItem(WORKSHOP_KEY) ?? 'null') as Partial<Saved> | null;
    if (!s || typeof s !== 'object') return empty;
    const m = s.membership;
    return {
      membership: m && typeof m.learnerId === 'string' && typeof m.secret === 'string' && typeof m.name === 'string' ? m : null,
      dismissed: s.dismissed === true,
      sent: Array.isArray(s.sent) ? s.sent.filter((x): x is string => typeof x === 'string') : [],
      queue: Array.isArray(s.queue) ? s.queue.filter((r) => r && typeof r.lessonId === 'string' && typeof r.state === 'string') : [],
      opened: typeof s.opened === 'string' ? s.opened : null,
    };
  } catch {
    return empty; // unreadable: start over rather than break the page
  }
}

export class WorkshopReporter {
  readonly store;
  private saved: Saved;
  private sent: Set<string>;
  private flushing = false;
  private retryTimer: unknown = null;
  private retryMs = RETRY_FIRST_MS;
  private now: () => number;

  constructor(private deps: ReporterDeps) {
    this.now = deps.now ?? Date.now;
    this.saved = readSaved(deps.storage);
    this.sent = new Set(this.saved.sent);
    this.store = createStore<WorkshopView>()(() => ({
      mode: 'unknown',
      membership: this.saved.membership,
      dismissed: this.saved.dismissed,
      joining: false,
      pending: this.saved.queue.length,
      joinError: null,
    }));
  }

  /** Asks the server whether it runs a workshop; a member's queued reports are then sent. */
  async detect(): Promise<WorkshopView['mode']> {
    let mode: WorkshopView['mode'] = 'off';
    try {
      const r = await this.deps.fetch(WORKSHOP_API.status, { cache: 'no-store' });
      const body = r.ok ? ((await r.json()) as { workshop?: unknown }) : null;
      mode = body?.workshop === true ? 'on' : 'off';
    } catch {
      mode = 'off'; // offline or a plain static server: no workshop to offer
    }
    this.store.setState({ mode });
    if (mode === 'on' && this.saved.membership) await this.confirmMembership();
    return mode;
  }

  /** A server started afresh no longer knows this learner: offer to join again instead of failing every report. */
  private async confirmMembership(): Promise<void> {
    const m = this.saved.membership;
    if (!m) return;
    try {
      const r = await this.deps.fetch(WORKSHOP_API.me, { headers: { authorization: `Bearer ${m.secret}` }, cache: 'no-store' });
      if (r.status === 401) return this.forget(false);
    } catch {
      return; // unreachable now: the queue's retries find out later
    }
    void this.flush();
  }

  async join(rawName: string, progress: ProgressSnapshot): Promise<boolean> {
    this.store.setState({ joining: true, joinError: null });
    try {
      const r = await this.deps.fetch(WORKSHOP_API.join, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: rawName }) });
      if (!r.ok) {
        const body = (await r.json().catch(() => null)) as Partial<ErrorAnswer> | null;
        const code = body?.error;
        const problem: JoinProblem = code === 'name-missing' || code === 'name-too-long' || code === 'name-invalid' || code === 'rate-limited' ? code : 'other';
        this.store.setState({ joining: false, joinError: { problem, message: body?.message ?? `HTTP ${r.status}` } });
        return false;
      }
      const answer = (await r.json()) as JoinAnswer;
      // A new membership: the server has none of this learner's progress yet.
      this.saved = { membership: { learnerId: answer.learnerId, secret: answer.secret, name: answer.name }, dismissed: false, sent: [], queue: [], opened: null };
      this.sent = new Set();
      this.save();
      this.store.setState({ joining: false, membership: this.saved.membership, dismissed: false, pending: 0 });
      this.observe(progress);
      return true;
    } catch {
      this.store.setState({ joining: false, joinError: { problem: 'network' } });
      return false;
    }
  }

  dismiss(): void {
    this.saved.dismissed = true;
    this.save();
    this.store.setState({ dismissed: true });
  }

  /** Stops reporting (the server keeps what it has). */
  leave(): void {
    this.forget(true);
  }

  private forget(dismissed: boolean): void {
    this.saved = { membership: null, dismissed, sent: [], queue: [], opened: null };
    this.sent = new Set();
    this.save();
    this.store.setState({ membership: null, dismissed, pending: 0 });
  }

  /** Queues what the progress store has that the server does not: new passes, a newly opened lesson. */
  observe(progress: ProgressSnapshot): void {
    if (!this.saved.membership) return;
    const at = this.now();
    const queued = new Set(this.saved.queue.filter((r) => r.state === 'passed').map((r) => stepKey(r.lessonId, r.stepId ?? '')));
    const fresh: ProgressReport[] = [];
    if (progress.currentLesson && progress.currentLesson !== this.saved.opened) {
      fresh.push({ lessonId: progress.currentLesson, stepId: null, state: 'opened', at });
      this.saved.opened = progress.currentLesson;
    }
    for (const [lessonId, steps] of Object.entries(progress.passed)) {
      for (const stepId of steps) {
        const key = stepKey(lessonId, stepId);
        if (!this.sent.has(key) && !queued.has(key)) fresh.push({ lessonId, stepId, state: 'passed', at });
      }
    }
    // The lesson being opened comes after the backlog of older passes, so the trainer's "now at" is right.
    if (fresh[0]?.state === 'opened' && fresh.length > 1) fresh.push(fresh.shift()!);
    this.enqueue(fresh);
  }

  /** A step's check ran and failed. */
  reportFailure(lessonId: string, stepId: string): void {
    if (!this.saved.membership) return;
    this.enqueue([{ lessonId, stepId, state: 'failed', at: this.now() }]);
  }

  private enqueue(reports: ProgressReport[]): void {
    if (!reports.length) {
      this.save();
      return;
    }
    this.saved.queue.push(...reports);
    if (this.saved.queue.length > MAX_QUEUE) this.saved.queue.splice(0, this.saved.queue.length - MAX_QUEUE);
    this.save();
    this.store.setState({ pending: this.saved.queue.length });
    void this.flush();
  }

  /** Sends the queue in order, one report at a time; stops and schedules a retry when the server cannot take more now. */
  async flush(): Promise<void> {
    if (this.flushing || this.store.getState().mode !== 'on') return;
    this.flushing = true;
    try {
      while (this.saved.membership && this.saved.queue.length) {
        const report = this.saved.queue[0];
        const secret = this.saved.membership.secret;
        let r: Response;
        try {
          r = await this.deps.fetch(WORKSHOP_API.progress, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
            body: JSON.stringify(report),
            keepalive: true,
          });
        } catch {
          this.retryLater(this.retryMs);
          return;
        }
        if (r.status === 401) {
          // The workshop no longer knows this learner (a new workshop): offer to join again.
          this.forget(false);
          return;
        }
        if (r.status === 429 || r.status === 408 || r.status >= 500) {
          const after = Number(r.headers.get('retry-after'));
          this.retryLater(Number.isFinite(after) && after > 0 ? after * 1000 : this.retryMs);
          return;
        }
        if (!r.ok) {
          // Refused for good (a lesson this server's site does not have...): retrying cannot help.
          const body = (await r.json().catch(() => null)) as Partial<ErrorAnswer> | null;
          this.deps.warn?.(`The workshop server refused a progress report (${report.lessonId}/${report.stepId ?? '-'}): ${body?.message ?? `HTTP ${r.status}`}`);
        } else if (report.state === 'passed' && report.stepId) {
          this.sent.add(stepKey(report.lessonId, report.stepId));
        }
        this.saved.queue.shift();
        this.retryMs = RETRY_FIRST_MS;
        this.save();
        this.store.setState({ pending: this.saved.queue.length });
      }
    } finally {
      this.flushing = false;
    }
  }

  /** The connection is back (the page's `online` event): send now rather than at the next retry. */
  retryNow(): void {
    if (this.retryTimer !== null) (this.deps.clearTimeout ?? clearTimeout)(this.retryTimer as ReturnType<typeof setTimeout>);
    this.retryTimer = null;
    this.retryMs = RETRY_FIRST_MS;
    if (this.store.getState().mode === 'on') void this.flush();
    else void this.detect();
  }

  private retryLater(ms: number): void {
    if (this.retryTimer !== null) return;
    this.retryMs = Math.min(RETRY_MAX_MS, this.retryMs * 2);
    this.retryTimer = (this.deps.setTimeout ?? setTimeout)(() => {
      this.retryTimer = null;
      void this.flush();
    }, ms);
  }

  private save(): void {
    this.saved.sent = [...this.sent];
    try {
      this.deps.storage.setItem(WORKSHOP_KEY, JSON.stringify(this.saved));
    } catch {
      // Storage full or blocked: reporting still works for this visit.
    }
  }
}
