// The lab machine as the page sees it: its status, download progress, and what went wrong.
// Not persisted: every page load starts a new machine.
import { create } from 'zustand';

export type LabStatus =
  | 'idle' // not started yet
  | 'downloading' // fetching the machine's files (progress below)
  | 'restoring' // the emulator resumes the snapshot
  | 'ready' // the guest answers and containerd runs: the prompt is live
  | 'resetting' // back to the snapshot
  | 'hung' // the guest stopped answering (it may come back)
  | 'error'; // could not start: see error

export interface LabProblem {
  /** In English, with the technical detail (shown as details under the catalogue's sentence for the code). */
  message: string;
  hint?: string;
  /** The page says it in the learner's language from the catalogue's error.<code> (src/i18n). */
  code?: string;
  /** Figures for the catalogue's sentence ({time}, ...). */
  params?: Record<string, string | number>;
}

/** The lesson's setup script failed: the lab may not be as the lesson expects. */
export interface SetupFailure {
  /** undefined when the script did not finish (timed out, cut short by a reset). */
  exitCode?: number;
  /** What it printed (stdout, then stderr), or why it did not finish. */
  output: string;
}

interface LabState {
  status: LabStatus;
  progress: { loaded: number; total: number };
  error: LabProblem | null;
  /** ms from navigation start to the first prompt, for the page's figures and the e2e report */
  promptAtMs: number | null;
  /** performance.now() when the console's shell last marked a command's end (for measurements). */
  lastCommandEndAtMs: number | null;
  setupFailure: SetupFailure | null;
  /** The background warm-up after the last start or reset has ended (or there is none). */
  warmedUp: boolean;
  set(patch: Partial<Omit<LabState, 'set'>>): void;
}

export const useLabStore = create<LabState>()((set) => ({
  status: 'idle',
  progress: { loaded: 0, total: 0 },
  error: null,
  promptAtMs: null,
  lastCommandEndAtMs: null,
  setupFailure: null,
  warmedUp: false,
  set: (patch) => set(patch),
}));
