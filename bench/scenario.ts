// One benchmark scenario in its own process, so each variant starts with a cold V8 and its own
// flags. Prints one JSON line of figures. Driven by bench/bench.ts, through the one lab driver.
import { LAB_JIT, LabMachine } from '../src/vm/machine.ts';
import { DiskAssets } from '../src/vm/node-assets.ts';
import { labelCtrRun, parseTrace, tracedScript, type ProcessSpan } from './breakdown.ts';

const [scenario, ...flags] = process.argv.slice(2);
// --no-jit: v86's JIT off; --v86-jit-defaults: v86's own module limits instead of the lab's tuning.
const jit = flags.includes('--no-jit') ? false : flags.includes('--v86-jit-defaults') ? { maxPages: 3, maxExtraBasicBlocks: 250 } : LAB_JIT;
const BUSYBOX = 'docker.io/library/busybox:latest';
const BUNDLE = `set -e
rm -rf /tmp/bench && mkdir -p /tmp/bench/rootfs /mnt/bb
ctr images mount ${BUSYBOX} /mnt/bb >/dev/null
cp -a /mnt/bb/. /tmp/bench/rootfs/
ctr images unmount /mnt/bb >/dev/null
cd /tmp/bench && runc spec
jq '.process.terminal=false | .process.args=["echo","hi"]' config.json > c && mv c config.json`;

const POD = `printf '%s' '{"metadata":{"name":"bench","namespace":"default","uid":"bench-uid"},"linux":{}}' > /tmp/pod.json
printf '%s' '{"metadata":{"name":"box"},"image":{"image":"${BUSYBOX}"},"command":["sleep","600"],"linux":{}}' > /tmp/ctr.json`;

async function timed(lab: LabMachine, script: string): Promise<number> {
  const r = await lab.exec(script, { timeout: 300_000 });
  if (r.exitCode !== 0) throw new Error(`${script} exited ${r.exitCode}: ${r.stderr}`);
  return r.durationMs;
}

async function restore(): Promise<Record<string, number>> {
  const lab = new LabMachine({ assets: new DiskAssets(), jit });
  let loaded = 0;
  lab.events.on('progress', (p) => (loaded = p.loaded));
  let fsAtFirstAnswer = 0;
  lab.events.on('booted', () => (fsAtFirstAnswer = lab.fileStats().bytesRead));
  await lab.start();
  const r: Record<string, number> = {
    loadMs: lab.timings.load,
    restoreToFirstAnswerMs: lab.timings.toFirstAnswer,
    restoreToReadyMs: lab.timings.toReady,
    bytesBeforeFirstAnswer: loaded + fsAtFirstAnswer,
  };
  // What every check and lesson setup pays on top of its own work: the agent's round trip.
  r.agentTrueMs = Math.min(await timed(lab, 'true'), await timed(lab, 'true'), await timed(lab, 'true'));
  // Each group starts from a fresh restore, so every "first" is a first after restore.
  r.ctrVersionFirstMs = await timed(lab, 'ctr version >/dev/null');
  r.ctrVersionSecondMs = await timed(lab, 'ctr version >/dev/null');
  await lab.reset();
  r.ctrRunFirstMs = await timed(lab, `ctr run --rm ${BUSYBOX} b1 echo hi >/dev/null`);
  r.ctrRunSecondMs = await timed(lab, `ctr run --rm ${BUSYBOX} b2 echo hi >/dev/null`);
  r.ctrRunThirdMs = await timed(lab, `ctr run --rm ${BUSYBOX} b3 echo hi >/dev/null`);
  await lab.reset();
  await timed(lab, POD);
  r.crictlRunpCreateStartMs = await timed(lab, 'P=$(crictl runp /tmp/pod.json) && C=$(crictl create $P /tmp/ctr.json /tmp/pod.json) && crictl start $C >/dev/null');
  await lab.reset();
  await timed(lab, BUNDLE); // runs ctr, cp and `runc spec`: runc's first run below is after that
  r.runcRunFirstMs = await timed(lab, 'cd /tmp/bench && runc run r1 >/dev/null');
  r.runcRunSecondMs = await timed(lab, 'cd /tmp/bench && runc run r2 >/dev/null');
  r.crunRunFirstMs = await timed(lab, 'cd /tmp/bench && crun run c1 >/dev/null');
  r.crunRunSecondMs = await timed(lab, 'cd /tmp/bench && crun run c2 >/dev/null');
  const fs = lab.fileStats();
  r.fsBytesRead = fs.bytesRead;
  r.fsBytesUnique = fs.uniqueBytes;
  r.rssBytes = process.memoryUsage().rss;
  r.maxRssBytes = process.resourceUsage().maxRSS * 1024;
  await lab.destroy();
  return r;
}

async function boot(): Promise<Record<string, number>> {
  const lab = new LabMachine({ assets: new DiskAssets(), mode: 'boot', jit });
  const r: Record<string, number> = {};
  const t0 = performance.now();
  let text = '';
  lab.onConsole((b) => {
    text += new TextDecoder().decode(b);
    if (!r.bootToShellMs && /root@lab\S*:.*# /.test(text)) r.bootToShellMs = performance.now() - t0;
  });
  lab.events.on('booted', () => {
    r.bootToAgentMs = performance.now() - t0;
  });
  await lab.start();
  r.bootToReadyMs = performance.now() - t0;
  const fs = lab.fileStats();
  r.fsBytesReadUntilReady = fs.bytesRead;
  r.fsBytesUniqueUntilReady = fs.uniqueBytes;
  r.maxRssBytes = process.resourceUsage().maxRSS * 1024;
  await lab.destroy();
  return r;
}

/**
 * `ctr run` right after a restore and again warm, each traced process by process in the guest,
 * with the emulator's counters: guest instructions executed and 9p bytes fetched.
 */
async function breakdown(): Promise<Record<string, unknown>> {
  const lab = new LabMachine({ assets: new DiskAssets(), jit });
  await lab.start();
  const out: Record<string, unknown> = {};
  for (const [label, name] of [['cold', 'b1'], ['warm', 'b2']] as const) {
    const i0 = lab.instructionCount();
    const f0 = lab.fileStats().bytesRead;
    const r = await lab.exec(tracedScript(`ctr run --rm ${BUSYBOX} ${name} echo hi >/dev/null`), { timeout: 300_000 });
    if (r.exitCode !== 0) throw new Error(`traced ctr run exited ${r.exitCode}: ${r.stderr}`);
    const spans: ProcessSpan[] = labelCtrRun(parseTrace(r.stdout), 'echo');
    const ctr = spans.find((s) => s.role.startsWith('ctr'));
    out[label] = {
      ms: ctr?.ms ?? NaN,
      instructions: (lab.instructionCount() - i0) >>> 0,
      fsBytesFetched: lab.fileStats().bytesRead - f0,
      processes: spans,
    };
  }
  await lab.destroy();
  return out;
}

const run = scenario === 'boot' ? boot : scenario === 'restore' ? restore : scenario === 'breakdown' ? breakdown : null;
if (!run) {
  process.stderr.write('usage: scenario.ts boot|restore|breakdown [--no-jit]\n');
  process.exit(2);
}
run().then(
  (r) => {
    process.stdout.write(JSON.stringify(r) + '\n');
    process.exit(0);
  },
  (e) => {
    process.stderr.write(String(e?.stack ?? e) + '\n');
    process.exit(1);
  },
);
