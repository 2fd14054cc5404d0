// What the page, the lesson reader (src/content, build time) and the lesson tests agree on about a
// lesson's text, kept free of the MDX compiler so the page bundle does not carry it.
//
// A lesson's commands come from its lesson.yaml; the page renders each as a fenced sh block whose
// info string carries what kind of command it is:
//   ```sh                        a command the learner runs (Run types it into the console)
//   ```sh fails                  a command meant to fail (the tests assert that it does)
//   ```sh interactive            a command that waits for the learner (the tests type the
//                                command's input lines from lesson.yaml into it)
// A step's check (lesson.yaml) runs through the guest agent, never in the console; exit 0 = done;
// the helpers of CHECK_HELPERS are there.

/** Code blocks in these languages are commands. */
const RUNNABLE = new Set(['sh', 'bash', 'shell']);
export function isRunnableLanguage(lang: string | null | undefined): boolean {
  return RUNNABLE.has((lang ?? '').toLowerCase());
}

export interface BlockMeta {
  fails: boolean;
  interactive: boolean;
}

export function parseBlockMeta(meta: string | null | undefined): BlockMeta {
  const words = (meta ?? '').trim().split(/\s+/).filter(Boolean);
  return { fails: words.includes('fails'), interactive: words.includes('interactive') };
}

/** The guest's check helpers (images/rootfs/usr/local/lib/lab/check.sh), loaded before every check. */
export const CHECK_HELPERS = '/usr/local/lib/lab/check.sh';

/** The script the agent runs for a check. */
export function checkScript(check: string): string {
  return `. ${CHECK_HELPERS} || exit 99\n${check}\n`;
}

/** The info string the page gives a command's block (parseBlockMeta reads it back). */
export function blockMeta(c: BlockMeta): string {
  return [c.fails && 'fails', c.interactive && 'interactive'].filter(Boolean).join(' ');
}
