// What the page, the lesson reader (src/content, build time) and the lesson tests agree on about a
// lesson's text, kept free of the MDX compiler so the page bundle does not carry it.
//
// A fenced block's info string is its language and then words that say what the block is:
//   ```sh                        a command the learner runs (Run types it into the console)
//   ```sh fails                  a command meant to fail (the tests assert that it does)
//   ```sh interactive input=exit a command that waits for the learner (the tests type the input
//                                into it, line by line; write \n between lines)
//   ```sh check                  the step's check: runs through the guest agent, never in the
//                                console; exit 0 = done; the helpers of CHECK_HELPERS are there

/** Code blocks in these languages are commands. */
const RUNNABLE = new Set(['sh', 'bash', 'shell']);
export function isRunnableLanguage(lang: string | null | undefined): boolean {
  return RUNNABLE.has((lang ?? '').toLowerCase());
}

export interface BlockMeta {
  check: boolean;
  fails: boolean;
  interactive: boolean;
  /** For an interactive block: what to type into it, line by line. */
  input?: string[];
}

export function parseBlockMeta(meta: string | null | undefined): BlockMeta {
  const words = (meta ?? '').trim().split(/\s+/).filter(Boolean);
  const input = words.find((w) => w.startsWith('input='))?.slice('input='.length);
  return {
    check: words.includes('check'),
    fails: words.includes('fails'),
    interactive: words.includes('interactive'),
    input: input === undefined ? undefined : input.split('\\n'),
  };
}

/** The guest's check helpers (images/rootfs/usr/local/lib/lab/check.sh), loaded before every check. */
export const CHECK_HELPERS = '/usr/local/lib/lab/check.sh';

/** The script the agent runs for a check. */
export function checkScript(check: string): string {
  return `. ${CHECK_HELPERS} || exit 99\n${check}\n`;
}

/** The mark that starts each sentence a helper prints for the learner. */
export const CHECK_SENTENCE = '✗ ';

/** What a failed check tells the learner: the helpers' sentences, else its status and output. */
export function checkFailureText(exitCode: number, stdout: string, stderr: string): string {
  const sentences = `${stdout}\n${stderr}`.split('\n').filter((l) => l.startsWith(CHECK_SENTENCE)).map((l) => l.slice(CHECK_SENTENCE.length).trim());
  if (sentences.length) return sentences.join('\n');
  const output = [stdout, stderr].filter(Boolean).join('\n').trim();
  return `exit status ${exitCode}${output ? `\n${output}` : ''}`;
}
