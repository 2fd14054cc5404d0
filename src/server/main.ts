// The Runtime Lab server: serves the exported site and the lab image to a browser or a room of
// learners, from the repo (`npm start`, the browser tests) or from the trainer's bundle
// (`node serve.mjs`, built from this file by scripts/bundle.ts). Only node: modules, so the bundle
// runs on any machine with Node.js 20+.
import { createServer, type Server } from 'node:http';
import { existsSync, realpathSync, statSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createStaticFiles } from './static-files.ts';
import { encodeQr, renderQrForTerminal } from './qr.ts';
import type { Workshop } from './workshop/workshop.ts';

// Set by scripts/bundle.ts when it builds serve.mjs.
declare const RUNTIME_LAB_VERSION: string | undefined;
const VERSION = typeof RUNTIME_LAB_VERSION === 'string' ? RUNTIME_LAB_VERSION : undefined;

export const HELP = `Runtime Lab server: serves the lessons and the lab to browsers on this machine and the LAN.

Usage: node serve.mjs [options]

  --host <address>   address to listen on (default 0.0.0.0: every network interface)
  --port <number>    port to listen on (default 3000, or the PORT environment variable)
  --dir <folder>     the exported site to serve (default: site/ next to serve.mjs, or out/ in the repo)
  --workshop         also run the trainer's view: learners who opt in report their progress to it
  --data <folder>    where the workshop keeps progress and the trainer's token (default: workshop-data/
                     in the current folder); the same folder after a restart keeps everything
  --no-qr            do not print the QR code of the LAN address
  -h, --help         this text
`;

export interface ServeOptions {
  host: string;
  port: number;
  dir: string;
  workshop: boolean;
  dataDir: string;
  qr: boolean;
}

/** A mistake in the command line, said so the trainer can fix it. */
export class UsageError extends Error {}

const here = dirname(fileURLToPath(import.meta.url));

/** site/ beside the bundled serve.mjs, else the repo's out/ (this file is src/server/main.ts). */
export function defaultSiteDir(): string {
  const candidates = [join(here, 'site'), join(here, '..', '..', 'out')];
  return candidates.find((dir) => existsSync(join(dir, 'index.html'))) ?? candidates[candidates.length - 1];
}

export function parseServeArgs(argv: string[], env: { PORT?: string } = { PORT: process.env.PORT }): ServeOptions | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        host: { type: 'string' },
        port: { type: 'string' },
        dir: { type: 'string' },
        workshop: { type: 'boolean' },
        data: { type: 'string' },
        'no-qr': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (e) {
    throw new UsageError(`${(e as Error).message}\nRun with --help to see the options.`);
  }
  if (values.help) return 'help';
  const portText = values.port ?? env.PORT ?? '3000';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port < 0 || port > 65535) throw new UsageError(`--port must be a number from 0 to 65535, not "${portText}".`);
  return {
    host: values.host ?? '0.0.0.0',
    port,
    dir: resolve(values.dir ?? defaultSiteDir()),
    workshop: values.workshop ?? false,
    dataDir: resolve(values.data ?? 'workshop-data'),
    qr: !values['no-qr'],
  };
}

/** IPv4 addresses other machines can reach this one on, in the order the system lists them. */
export function lanAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flat()
    .filter((a) => a !== undefined && a.family === 'IPv4' && !a.internal)
    .map((a) => a!.address);
}

const isWildcard = (host: string) => host === '0.0.0.0' || host === '::' || host === '';
const isLoopback = (host: string) => host === 'localhost' || host === '::1' || host.startsWith('127.');
const urlHost = (host: string) => (host.includes(':') ? `[${host}]` : host);

export interface RunningServer {
  server: Server;
  port: number;
  /** Addresses to print: the local one first, then the LAN ones. */
  localUrl: string;
  lanUrls: string[];
  trainerUrl?: string;
  close(): Promise<void>;
}

/** Starts listening; resolves once the port is bound. */
export async function startServer(options: ServeOptions, log: (line: string) => void = (line) => console.error(line)): Promise<RunningServer> {
  if (!existsSync(options.dir) || !statSync(options.dir).isDirectory()) {
    throw new UsageError(`There is no site to serve at ${options.dir}. Build it with \`npm run site:build\` (in the repo), or pass --dir <folder> with an exported site.`);
  }
  const files = createStaticFiles({ root: options.dir, notFoundPage: '404.html', log });

  let workshop: Workshop | undefined;
  if (options.workshop) {
    const { createWorkshop } = await import('./workshop/workshop.ts');
    workshop = await createWorkshop({ dataDir: options.dataDir, siteDir: options.dir, log });
  }

  const server = createServer(async (req, res) => {
    try {
      // The workshop sees every request first and answers its own routes.
      if (workshop && (await workshop.handle(req, res))) return;
      await files(req, res);
    } catch (e) {
      log(`${req.method} ${req.url}: ${(e as Error).stack ?? e}`);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end(`Internal error: ${(e as Error).message}\n`);
      else res.destroy();
    }
  });
  // A socket error on one client (reset, broken pipe) concerns that client only.
  server.on('clientError', (_error, socket) => socket.destroy());

  const listening = new Promise<void>((resolveListen, rejectListen) => {
    const onError = (e: NodeJS.ErrnoException) => {
      if (e.code === 'EADDRINUSE') rejectListen(new UsageError(`Port ${options.port} on ${options.host} is already in use. Stop the other server, or pick another port: --port 8080.`));
      else if (e.code === 'EACCES') rejectListen(new UsageError(`Not allowed to listen on port ${options.port}. Ports below 1024 need administrator rights; pick another: --port 8080.`));
      else if (e.code === 'EADDRNOTAVAIL') rejectListen(new UsageError(`${options.host} is not an address of this machine. Leave out --host to listen on every interface.`));
      else rejectListen(e);
    };
    server.once('error', onError);
    server.listen(options.port, options.host, () => {
      server.off('error', onError);
      resolveListen();
    });
  });
  // The workshop's progress log is open by now: close it when the port cannot be had.
  await listening.catch(async (e) => {
    await workshop?.close();
    throw e;
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const localUrl = `http://${isWildcard(options.host) ? 'localhost' : urlHost(options.host)}:${port}/`;
  const lanUrls = isWildcard(options.host) ? lanAddresses().map((ip) => `http://${ip}:${port}/`) : isLoopback(options.host) ? [] : [localUrl];
  const trainerBase = lanUrls[0] ?? localUrl;

  return {
    server,
    port,
    localUrl,
    lanUrls,
    trainerUrl: workshop ? `${trainerBase}trainer?token=${encodeURIComponent(workshop.token)}` : undefined,
    async close() {
      await new Promise<void>((done) => {
        server.close(() => done());
        // Idle keep-alive sockets would hold close() open; downloads in flight get a moment to end.
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), 2000).unref();
      });
      await workshop?.close();
    },
  };
}

/** What the trainer sees at start: where to point learners, and how to stop. */
export function banner(running: RunningServer, options: ServeOptions, { color }: { color: boolean }): string {
  const lines: string[] = [];
  lines.push(`Runtime Lab${VERSION ? ` ${VERSION}` : ''}: serving ${options.dir}`);
  if (!existsSync(join(options.dir, 'vm', 'manifest.json'))) {
    lines.push(`  Warning: ${join(options.dir, 'vm')} holds no lab image; pages load but the lab cannot start.`);
  }
  lines.push(`  Local:    ${running.localUrl}`);
  for (const url of running.lanUrls) lines.push(`  Network:  ${url}`);
  if (isWildcard(options.host) && running.lanUrls.length === 0) lines.push('  Network:  none (this machine has no LAN address now; connect it to the room\'s network and restart)');
  if (options.qr && running.lanUrls[0]) {
    lines.push('', `Learners can scan this to open ${running.lanUrls[0]}`, renderQrForTerminal(encodeQr(running.lanUrls[0], { errorCorrection: 'M' }), { color }));
  }
  if (running.trainerUrl) lines.push(`Trainer view: ${running.trainerUrl}`);
  lines.push('Stop with Ctrl+C.');
  return `${lines.join('\n')}\n`;
}

export async function main(argv: string[] = process.argv.slice(2)): Promise<void> {
  let options: ServeOptions | 'help';
  let running: RunningServer;
  try {
    options = parseServeArgs(argv);
    if (options === 'help') {
      process.stdout.write(HELP);
      return;
    }
    running = await startServer(options);
  } catch (e) {
    // The trainer needs the sentence, not a stack trace (RUNTIME_LAB_DEBUG=1 shows it).
    console.error(process.env.RUNTIME_LAB_DEBUG ? e : `Could not start the server: ${(e as Error).message}`);
    process.exit(e instanceof UsageError ? 2 : 1);
  }
  process.stdout.write(banner(running, options, { color: process.stdout.isTTY === true }));
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) process.exit(130); // a second Ctrl+C does not wait
      stopping = true;
      running.close().then(() => process.exit(0), () => process.exit(1));
    });
  }
}

/** The real path of the program Node was started with (macOS's /tmp is a symlink, for one). */
function startedAs(): string | undefined {
  try {
    return process.argv[1] ? realpathSync(process.argv[1]) : undefined;
  } catch {
    return undefined;
  }
}

// Run when started as a program (node serve.mjs, tsx src/server/main.ts), not when imported.
if (startedAs() === realpathSync(fileURLToPath(import.meta.url))) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
