// v86's 9p root index: a JSON tree (format version 3, as v86's lib/filesystem.js reads it) plus a
// folder of file contents named by sha256. Files worth it are stored zstd-compressed ("<hash>.zst");
// v86 decompresses those itself.
import { lstatSync, readdirSync, readlinkSync, readFileSync, writeFileSync, existsSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { ensureDir, runAsync } from './util.ts';

const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;

type Node = [string, number, number, number, number, number, (Node[] | string)?];

export interface FsIndexResult {
  files: number;
  uniqueFiles: number;
  totalBytes: number;
  uniqueBytes: number;
  storedBytes: number;
}

/** Smaller files are stored as they are: compression would save little and cost a frame each. */
const COMPRESS_MIN = 2048;

export async function buildFsIndex(root: string, jsonPath: string, filesDir: string): Promise<FsIndexResult> {
  ensureDir(filesDir);
  const stats: FsIndexResult = { files: 0, uniqueFiles: 0, totalBytes: 0, uniqueBytes: 0, storedBytes: 0 };
  const toCompress: string[] = [];
  const seen = new Map<string, string>();

  const walk = (dir: string): Node[] => {
    const out: Node[] = [];
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      const st = lstatSync(p);
      const type = st.mode & S_IFMT;
      const node: Node = [name, st.size, Math.floor(st.mtimeMs / 1000), st.mode, st.uid, st.gid];
      if (type === S_IFDIR) {
        node[6] = walk(p);
      } else if (type === S_IFLNK) {
        node[6] = readlinkSync(p);
      } else if (type === S_IFREG) {
        const data = readFileSync(p);
        const hash = createHash('sha256').update(data).digest('hex');
        let stored = seen.get(hash);
        if (!stored) {
          stored = data.length >= COMPRESS_MIN ? `${hash}.zst` : hash;
          seen.set(hash, stored);
          stats.uniqueFiles++;
          stats.uniqueBytes += data.length;
          if (!existsSync(join(filesDir, stored))) {
            writeFileSync(join(filesDir, hash), data);
            if (data.length >= COMPRESS_MIN) toCompress.push(hash);
          }
        }
        stats.files++;
        stats.totalBytes += data.length;
        node[6] = stored;
      } else {
        continue; // devices, fifos and sockets are made at run time, not shipped
      }
      out.push(node);
    }
    return out;
  };
  const fsroot = walk(root);

  // Two zstd processes, one per core, each over half of the files.
  const halves = [toCompress.filter((_, i) => i % 2 === 0), toCompress.filter((_, i) => i % 2 === 1)];
  await Promise.all(
    halves.filter((h) => h.length).map(async (list) => {
      const listFile = join(tmpdir(), `lab-fsindex-${process.pid}-${list[0]}`);
      writeFileSync(listFile, list.join('\n') + '\n');
      try {
        await runAsync('zstd', ['-q', '-12', '--rm', '-f', `--filelist=${listFile}`], filesDir);
      } finally {
        rmSync(listFile, { force: true });
      }
    }),
  );
  for (const stored of seen.values()) stats.storedBytes += statSync(join(filesDir, stored)).size;

  writeFileSync(jsonPath, JSON.stringify({ fsroot, version: 3, size: stats.totalBytes }));
  return stats;
}
