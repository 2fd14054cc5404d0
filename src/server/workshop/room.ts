// The room as the trainer sees it, rebuilt from the event log: who joined, which steps each passed
// or failed, where each is now and for how long nothing moved. Pure (no I/O), so replay and the
// live server run the same code and the tests need no server.
import type { ReportState } from '../../lab/workshop-protocol.ts';
import type { Course, CourseLesson } from './course.ts';

export type WorkshopEvent =
  | { type: 'join'; learnerId: string; name: string; /** sha256 of the bearer secret, never the secret */ secretHash: string; at: number }
  | {
      type: 'progress';
      learnerId: string;
      lessonId: string;
      stepId: string | null;
      state: ReportState;
      /** When the page says it happened, kept for the export (a page's clock may be wrong). */
      at: number;
      /** When the server got it: what the room's times are measured by. */
      receivedAt: number;
    };

export interface StepRecord {
  passedAt?: number;
  failures: number;
  lastFailedAt?: number;
}

export interface Learner {
  id: string;
  name: string;
  joinedAt: number;
  /** The last report of any kind. */
  lastSeenAt: number;
  /** The last time they got somewhere: joined, opened a lesson or passed a step (failures do not count). */
  lastMoveAt: number;
  currentLesson: string | null;
  /** lesson id → step id → record */
  steps: Map<string, Map<string, StepRecord>>;
}

/** A learner as the trainer's page gets it: the same fields, steps as plain objects, and what follows from them. */
export interface LearnerView extends Omit<Learner, 'steps'> {
  /** The first step of the current lesson not passed yet; null when none is open or all passed. */
  currentStep: string | null;
  /** Unfinished current step and nothing moved for `stuckAfterMs`. */
  stuck: boolean;
  /** Milliseconds since the learner last got somewhere. */
  idleMs: number;
  steps: Record<string, Record<string, StepRecord>>;
}

export interface RoomView {
  now: number;
  stuckAfterMs: number;
  course: Course;
  learners: LearnerView[];
}

export class Room {
  readonly learners = new Map<string, Learner>();
  private bySecretHash = new Map<string, string>();
  private lessons: Map<string, CourseLesson>;

  constructor(readonly course: Course) {
    this.lessons = new Map(course.lessons.map((l) => [l.id, l]));
  }

  lesson(id: string): CourseLesson | undefined {
    return this.lessons.get(id);
  }

  learnerBySecretHash(hash: string): Learner | undefined {
    const id = this.bySecretHash.get(hash);
    return id === undefined ? undefined : this.learners.get(id);
  }

  /** False when the event would change nothing (a step passed again): it is then not logged. */
  changes(event: WorkshopEvent): boolean {
    if (event.type === 'join') return !this.learners.has(event.learnerId);
    const learner = this.learners.get(event.learnerId);
    if (!learner) return false;
    if (event.state === 'passed') return !learner.steps.get(event.lessonId)?.get(event.stepId ?? '')?.passedAt;
    if (event.state === 'opened') return learner.currentLesson !== event.lessonId;
    return true;
  }

  /**
   * Applies one event. Replay applies what the log holds, which may predate a site rebuild: a
   * lesson or step the current site no longer has is kept in the record (the export shows it),
   * it just has no column in the grid.
   */
  apply(event: WorkshopEvent): void {
    if (event.type === 'join') {
      if (this.learners.has(event.learnerId)) return;
      this.learners.set(event.learnerId, {
        id: event.learnerId,
        name: event.name,
        joinedAt: event.at,
        lastSeenAt: event.at,
        lastMoveAt: event.at,
        currentLesson: null,
        steps: new Map(),
      });
      this.bySecretHash.set(event.secretHash, event.learnerId);
      return;
    }
    const learner = this.learners.get(event.learnerId);
    if (!learner) return;
    const when = event.receivedAt;
    learner.lastSeenAt = Math.max(learner.lastSeenAt, when);
    learner.currentLesson = event.lessonId;
    if (event.state === 'opened' || event.stepId === null) {
      learner.lastMoveAt = Math.max(learner.lastMoveAt, when);
      return;
    }
    let lesson = learner.steps.get(event.lessonId);
    if (!lesson) learner.steps.set(event.lessonId, (lesson = new Map()));
    const record = lesson.get(event.stepId) ?? { failures: 0 };
    if (event.state === 'passed') {
      if (record.passedAt === undefined) {
        record.passedAt = event.at;
        learner.lastMoveAt = Math.max(learner.lastMoveAt, when);
      }
    } else {
      record.failures++;
      record.lastFailedAt = event.at;
    }
    lesson.set(event.stepId, record);
  }

  view(now: number, stuckAfterMs: number): RoomView {
    const learners = [...this.learners.values()].map((l): LearnerView => {
      const lesson = l.currentLesson ? this.lessons.get(l.currentLesson) : undefined;
      const done = l.currentLesson ? l.steps.get(l.currentLesson) : undefined;
      const currentStep = lesson?.steps.find((s) => done?.get(s.id)?.passedAt === undefined)?.id ?? null;
      const idleMs = Math.max(0, now - l.lastMoveAt);
      return {
        id: l.id,
        name: l.name,
        joinedAt: l.joinedAt,
        lastSeenAt: l.lastSeenAt,
        lastMoveAt: l.lastMoveAt,
        currentLesson: l.currentLesson,
        currentStep,
        stuck: currentStep !== null && idleMs >= stuckAfterMs,
        idleMs,
        steps: Object.fromEntries([...l.steps].map(([lessonId, steps]) => [lessonId, Object.fromEntries(steps)])),
      };
    });
    return { now, stuckAfterMs, course: this.course, learners };
  }
}
