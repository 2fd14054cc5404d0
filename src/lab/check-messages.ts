// What a failed check says. The guest's helpers (images/rootfs/usr/local/lib/lab/check.sh) print
// one line per problem: "✗", a code and its arguments, separated by tabs. The page turns a code
// into a sentence in the learner's language: the helpers' codes from the UI catalogue
// (src/i18n, keys "check.<code>"), a lesson's own codes from its MDX's `messages`.

/** The mark that starts each line a helper prints for the learner. */
export const FAILURE_MARK = '✗';

/** The helpers' own codes (each has a "check.<code>" sentence in every language of the catalogue). */
export const HELPER_CODES = ['file-missing', 'image-missing', 'task-missing', 'task-status', 'container-missing', 'container-image'] as const;

export interface CheckFailure {
  code: string;
  args: string[];
}

/** The helpers' lines in a check's output, in order. */
export function parseCheckFailures(stdout: string, stderr = ''): CheckFailure[] {
  return `${stdout}\n${stderr}`
    .split('\n')
    .filter((l) => l.startsWith(`${FAILURE_MARK}\t`))
    .map((l) => {
      const [, code, ...args] = l.split('\t');
      return { code: code.trim(), args };
    })
    .filter((f) => f.code);
}

/** Fills {1}, {2}... with the arguments. */
export function fillArgs(template: string, args: readonly string[]): string {
  return template.replace(/\{(\d)\}/g, (m, n: string) => args[Number(n) - 1] ?? m);
}

/** A check that did not pass, as the check store keeps it (rendered in the learner's language when shown). */
export type CheckOutcome =
  | { kind: 'failures'; failures: CheckFailure[] }
  | { kind: 'exit'; exitCode: number; output: string }
  | { kind: 'timeout'; seconds: number }
  | { kind: 'error'; code?: string; message: string };

export function outcomeOf(exitCode: number, stdout: string, stderr: string): CheckOutcome {
  const failures = parseCheckFailures(stdout, stderr);
  if (failures.length) return { kind: 'failures', failures };
  return { kind: 'exit', exitCode, output: [stdout, stderr].filter(Boolean).join('\n').trim() };
}

/**
 * A failure as a sentence: the lesson's message for its code, else the catalogue's helper
 * sentence, else the code and its arguments as they came (an unknown code is a lesson bug the
 * lesson tests catch, but the learner still sees something).
 */
export function describeFailure(f: CheckFailure, lessonMessages: Record<string, string>, helperSentence: (code: string) => string | undefined): string {
  const template = lessonMessages[f.code] ?? helperSentence(f.code);
  return template ? fillArgs(template, f.args) : [f.code, ...f.args].join(' ');
}
