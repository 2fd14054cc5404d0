// `npm run lab -- exec '<shell command>'` and `npm run lab -- shell`: the lab machine from a terminal.
import { startLab } from './node.ts';
import { LabError } from './errors.ts';
import type { LabMachine } from './machine.ts';

const usage = `usage:
  npm run lab -- exec '<shell command>' [--timeout <seconds>]   run a command in a restored lab, print its output, exit with its status
  npm run lab -- shell                                         an interactive console (leave with Ctrl-])
options: --boot (boot the kernel cold instead of restoring the snapshot), --no-jit`;

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const flag = (name: string) => {
    const i = args.indexOf(name);
    if (i < 0) return undefined;
    const [, value] = args.splice(i, 2);
    return value;
  };
  const has = (name: string) => {
    const i = args.indexOf(name);
    if (i >= 0) args.splice(i, 1);
    return i >= 0;
  };
  const timeout = Number(flag('--timeout') ?? 300) * 1000;
  const mode = has('--boot') ? 'boot' : 'restore';
  const jit = !has('--no-jit');
  const [command, ...rest] = args;
  if (command === 'exec' && rest.length) {
    const lab = await startLab({ mode, jit });
    const r = await lab.exec(rest.join(' '), { timeout });
    process.stdout.write(r.stdout);
    process.stderr.write(r.stderr);
    await lab.destroy();
    return r.exitCode;
  }
  if (command === 'shell') {
    process.stderr.write('Restoring the lab... ');
    const lab = await startLab({ mode, jit });
    process.stderr.write('ready. Leave with Ctrl-].\r\n');
    return shell(lab);
  }
  process.stderr.write(usage + '\n');
  return 2;
}

function shell(lab: LabMachine): Promise<number> {
  return new Promise((resolve) => {
    const stdin = process.stdin;
    const resize = () => process.stdout.columns && lab.resizeConsole(process.stdout.columns, process.stdout.rows);
    lab.onConsole((bytes) => process.stdout.write(bytes));
    resize();
    process.stdout.on('resize', resize);
    if (stdin.isTTY) stdin.setRawMode(true);
    stdin.on('data', (data: Buffer) => {
      if (data.includes(0x1d)) {
        if (stdin.isTTY) stdin.setRawMode(false);
        process.stderr.write('\r\n');
        void lab.destroy().then(() => resolve(0));
        return;
      }
      lab.writeConsole(new Uint8Array(data));
    });
    stdin.on('end', () => void lab.destroy().then(() => resolve(0)));
    // Show a prompt straight away: the snapshot's shell is waiting at its prompt already.
    lab.writeConsole('\n');
  });
}

main().then(
  (code) => process.exit(code),
  (e) => {
    if (e instanceof LabError) process.stderr.write(`\n${e.message}\n${e.hint}\n`);
    else process.stderr.write(`\n${e?.stack ?? e}\n`);
    process.exit(1);
  },
);
