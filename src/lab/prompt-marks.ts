// The learner's shell marks its prompts the way modern terminals expect (OSC 133, "semantic
// prompts"; images/rootfs/etc/profile.d/lab.sh): A before a prompt, C when a command starts, D;<status>
// when it ended. Reading them tells the page when a command typed into the console has finished,
// and with what exit status, without polling the machine. xterm.js consumes the sequences unseen.

export type PromptMark = { kind: 'A' | 'B' | 'C' } | { kind: 'D'; exitCode: number | null };

const ESC = 0x1b;
const BEL = 0x07;
const PREFIX = [ESC, 0x5d, 0x31, 0x33, 0x33, 0x3b]; // ESC ] 1 3 3 ;
const MAX_BODY = 64;

/** Scans console bytes as they come (a mark may be split across chunks). */
export class PromptMarkScanner {
  private matched = 0;
  private body: number[] = [];
  private inBody = false;
  private sawEsc = false;

  constructor(private readonly onMark: (m: PromptMark) => void) {}

  push(bytes: Uint8Array): void {
    for (const b of bytes) {
      if (this.inBody) {
        if (b === BEL || (this.sawEsc && b === 0x5c)) {
          this.finish();
        } else if (b === ESC) {
          this.sawEsc = true;
        } else if (this.body.length < MAX_BODY) {
          this.body.push(b);
          this.sawEsc = false;
        } else {
          this.reset(); // not a mark of ours
        }
        continue;
      }
      if (b === PREFIX[this.matched]) {
        this.matched++;
        if (this.matched === PREFIX.length) {
          this.inBody = true;
          this.matched = 0;
        }
      } else {
        this.matched = b === ESC ? 1 : 0;
      }
    }
  }

  private finish(): void {
    const text = String.fromCharCode(...this.body);
    this.reset();
    const [kind, arg] = text.split(';');
    if (kind === 'A' || kind === 'B' || kind === 'C') this.onMark({ kind });
    else if (kind === 'D') this.onMark({ kind: 'D', exitCode: arg !== undefined && /^\d+$/.test(arg) ? Number(arg) : null });
  }

  private reset(): void {
    this.inBody = false;
    this.sawEsc = false;
    this.body = [];
  }
}
