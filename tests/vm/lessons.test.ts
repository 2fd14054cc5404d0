// Every lesson, in the real machine, the way a learner goes through it: after a restore and the
// lesson's setup, each runnable block is typed into the learner's console (hvc0) exactly as Run
// types it, in document order, and the shell's end-of-command mark gives its exit status. Each
// step's check fails before its blocks (saying in a sentence what is missing) and passes after;
// blocks meant to fail fail; each failure a check reports has a sentence in every language; at the end no task or container is left behind. Each lesson's time
// is reported.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startLab } from '../../src/vm/node.ts';
import type { LabMachine } from '../../src/vm/machine.ts';
import { loadLessons } from '../../src/content/load.ts';
import type { LessonBlock } from '../../src/content/lessons.ts';
import { checkScript } from '../../src/lab/lesson-format.ts';
import { describeFailure, parseCheckFailures } from '../../src/lab/check-messages.ts';
import { lookup } from '../../src/i18n/messages.ts';
import { LOCALES } from '../../src/i18n/locales.ts';
import { lessonText } from '../../src/content/localized.ts';
import { PromptMarkScanner } from '../../src/lab/prompt-marks.ts';

// `npm run test:lesson -- <id>` runs one lesson (LAB_LESSON=<id>).
const only = process.env.LAB_LESSON;
const lessons = loadLessons().filter((l) => !only || l.slug === only);

// A suite that finds nothing to run would pass while proving nothing.
test('the lessons have runnable steps', () => {
  assert.ok(lessons.length > 0, only ? `no lesson with id "${only}" in content/` : 'no lessons found in content/');
  const steps = lessons.reduce((n, l) => n + l.steps.length, 0);
  assert.ok(steps > 0, `found ${lessons.length} lesson(s) but no runnable steps in them`);
});

let lab: LabMachine;
let console_ = '';
let ends: Array<(code: number | null) => void> = [];
before(async () => {
  lab = await startLab();
  const marks = new PromptMarkScanner((m) => {
    if (m.kind === 'D') for (const w of ends.splice(0)) w(m.exitCode);
  });
  const decoder = new TextDecoder();
  lab.onConsole((bytes) => {
    marks.push(bytes);
    console_ = (console_ + decoder.decode(bytes, { stream: true })).slice(-4000);
  });
});
after(async () => {
  await lab?.destroy();
});

/** Types a block into the console as Run does (a bracketed paste, then Enter); resolves with its exit status. */
async function typeBlock(block: LessonBlock, timeoutMs = 300_000): Promise<number | null> {
  const ended = new Promise<number | null>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no end of command after ${timeoutMs / 1000} s; the console shows:\n${console_.slice(-1500)}`)), timeoutMs);
    ends.push((code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
  lab.writeConsole(`\x1b[200~${block.code}\x1b[201~\r`);
  if (block.interactive) {
    for (const line of block.input ?? []) {
      await new Promise((r) => setTimeout(r, 3000)); // let the program start and wait for input
      lab.writeConsole(`${line}\r`);
    }
  }
  return ended;
}

/** The top-level cgroups: a lesson that makes one by hand must remove it. */
const LEFTOVER_CGROUPS = 'find /sys/fs/cgroup -mindepth 1 -maxdepth 1 -type d | sort';

/** What a setup could change besides files: units, mounts, network links. */
const LAB_STATE = String.raw`systemctl list-units --all --plain --no-legend --no-pager | awk '{ print $1, $3, $4 }' | sort
findmnt -rn -o TARGET,FSTYPE | sort
ip -o link | awk '{ print $2 }'`;
const SETUP_MARK = '/run/lab-setup-mark';
/** Files and folders changed since the mark (containerd's metadata and its tasks' state are files too). */
const WRITTEN_SINCE_MARK = `find /root /etc /usr/local /var/lib /run /tmp -newer ${SETUP_MARK} -not -path /run -not -path '/run/lab-agent*' -not -path '/run/log/*' 2>/dev/null`;

async function check(script: string) {
  return lab.exec(checkScript(script), { timeout: 120_000 });
}

for (const lesson of lessons) {
  describe(`lesson "${lesson.title}" (${lesson.slug}), typed into the console`, () => {
    let t0 = 0;
    let cgroupsAtStart = '';
    before(async () => {
      t0 = Date.now();
      await lab.reset();
      ends = [];
      if (lesson.setup && !lesson.setupOnRestore) {
        // The page skips this setup after a restore: it must find nothing to do in a restored lab.
        const before = await lab.exec(`touch ${SETUP_MARK}; ${LAB_STATE}`, { timeout: 60_000 });
        const r = await lab.exec(lesson.setup, { timeout: 180_000 });
        assert.equal(r.exitCode, 0, `setup exited ${r.exitCode}: ${r.stderr}`);
        const after = await lab.exec(LAB_STATE, { timeout: 60_000 });
        const written = (await lab.exec(WRITTEN_SINCE_MARK, { timeout: 120_000 })).stdout;
        const says = 'so the page must run it after a restore too: remove "setup-on-restore: false" from its lesson.yaml';
        assert.equal(after.stdout, before.stdout, `the setup changed the units, mounts or links of a freshly restored lab, ${says}`);
        assert.equal(written, '', `the setup wrote files in a freshly restored lab, ${says}:\n${written}`);
      } else if (lesson.setup) {
        const r = await lab.exec(lesson.setup, { timeout: 180_000 });
        assert.equal(r.exitCode, 0, `setup exited ${r.exitCode}: ${r.stderr}`);
      }
      cgroupsAtStart = (await lab.exec(LEFTOVER_CGROUPS, { timeout: 60_000 })).stdout;
    });
    after(() => {
      process.stdout.write(`# lesson ${lesson.slug}: ${lesson.blocks.length} blocks, ${lesson.steps.length} steps in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
    });

    // Document order: a step's blocks are consecutive; blocks outside steps run where they stand.
    const groups: Array<{ step?: string; blocks: LessonBlock[] }> = [];
    for (const b of lesson.blocks) {
      const last = groups[groups.length - 1];
      if (last && b.step && last.step === b.step) last.blocks.push(b);
      else groups.push({ step: b.step, blocks: [b] });
    }
    for (const g of groups) {
      const step = g.step ? lesson.steps.find((s) => s.id === g.step)! : undefined;
      const name = step ? `step "${step.id}": its check fails before (with a sentence) and passes after` : `\`${g.blocks[0].code.split('\n')[0]}\``;
      test(name, async () => {
        if (step) {
          const r = await check(step.check);
          assert.notEqual(r.exitCode, 0, `the check of "${step.id}" passed before its commands ran`);
          const failures = parseCheckFailures(r.stdout, r.stderr);
          assert.ok(failures.length, `the failed check of "${step.id}" says nothing of what is missing (no ✗ line from a helper or fail):\n${r.stdout}${r.stderr}`);
          for (const locale of LOCALES) {
            const messages = lessonText(lesson, locale).messages;
            for (const f of failures) {
              const known = messages[f.code] ?? lookup(locale, `check.${f.code}`);
              assert.ok(known, `the check of "${step.id}" reports "${f.code}", which has no sentence in ${locale} (add it to the lesson's messages)`);
            }
            if (locale === 'en') process.stdout.write(`  ${step.id}, before its commands:  ${failures.map((f) => describeFailure(f, messages, (c) => lookup('en', `check.${c}`))).join(' / ')}\n`);
          }
        }
        for (const b of g.blocks) {
          const code = await typeBlock(b);
          if (b.fails) assert.ok(code !== 0 && code !== null, `\`${b.code}\` is marked as failing but exited ${code}`);
          else assert.equal(code, 0, `\`${b.code}\` exited ${code}; the console shows:\n${console_.slice(-1500)}`);
        }
        if (step) {
          const r = await check(step.check);
          assert.equal(r.exitCode, 0, `the check of "${step.id}" fails after its commands:\n${r.stdout}${r.stderr}\nthe console shows:\n${console_.slice(-1500)}`);
        }
      });
    }
    test('the lesson leaves no task, container or cgroup behind', async () => {
      const r = await lab.exec('for ns in default k8s.io; do ctr -n $ns tasks ls -q; ctr -n $ns containers ls -q; done; runc list -q 2>/dev/null; crun list -q 2>/dev/null', { timeout: 120_000 });
      assert.equal(r.stdout.trim(), '', `left behind (containerd tasks and containers, runc and crun containers):\n${r.stdout}`);
      const cgroups = (await lab.exec(LEFTOVER_CGROUPS, { timeout: 60_000 })).stdout;
      assert.equal(cgroups, cgroupsAtStart, 'the lesson left cgroups behind (or removed some)');
    });
  });
}
