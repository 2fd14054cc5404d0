'use client';
// Where a pod's cgroups land under each cgroup driver, side by side: on the left the systemd driver
// (SystemdCgroup = true: slices and scopes, units systemd knows), on the right cgroupfs (plain
// directories containerd's runtime makes itself). Cgroup names are what the lab shows, so they stay
// as they are; every other word comes from the prose as a prop, so each language passes its own.
import { useId } from 'react';

export interface CgroupDriversProps {
  /** The figure's title (its text alternative). */
  title: string;
  /** A sentence or two saying what the figure shows, for those who cannot see it. */
  desc: string;
  /** Each column's heading: the driver's name. */
  systemd: string;
  cgroupfs: string;
  /** Under containerd.service: what runs there. */
  daemon: string;
  /** Under the sandbox's cgroup and the container's: what runs in each. */
  sandbox: string;
  container: string;
  /** Under each tree: who knows these cgroups. */
  systemdNote: string;
  cgroupfsNote: string;
  /** The figure's caption. */
  caption?: string;
}

interface Row {
  depth: number;
  name: string;
  note?: string;
  /** Draw the name bold: the rows this lesson looks for. */
  hl?: boolean;
}

const COL = 392;
const GAP = 24;
const TOP = 50;
const ROW = 24;
const NOTE = 16;
const INDENT = 22;
const FONT = { fontSize: 13 };

function tree(p: CgroupDriversProps, driver: 'systemd' | 'cgroupfs'): Row[] {
  const s = driver === 'systemd';
  return [
    { depth: 0, name: '/sys/fs/cgroup' },
    { depth: 1, name: 'system.slice' },
    { depth: 2, name: 'containerd.service', note: p.daemon },
    { depth: 1, name: s ? 'kubepods.slice' : 'kubepods' },
    { depth: 2, name: s ? 'kubepods-besteffort.slice' : 'besteffort' },
    { depth: 3, name: s ? 'kubepods-besteffort-pod<uid>.slice' : 'pod<uid>' },
    { depth: 4, name: s ? 'cri-containerd-<pod id>.scope' : '<pod id>', note: p.sandbox, hl: true },
    { depth: 4, name: s ? 'cri-containerd-<container id>.scope' : '<container id>', note: p.container, hl: true },
  ];
}

/** The y of each row's name, rows with a note taking more room. */
function layout(rows: Row[]): number[] {
  const ys: number[] = [];
  let y = TOP;
  for (const r of rows) {
    ys.push(y);
    y += ROW + (r.note ? NOTE : 0);
  }
  return ys;
}

export function CgroupDrivers(p: CgroupDriversProps) {
  const id = useId();
  const titleId = `${id}-title`;
  const descId = `${id}-desc`;
  const columns = [
    { key: 'systemd' as const, heading: p.systemd, setting: 'SystemdCgroup = true', note: p.systemdNote },
    { key: 'cgroupfs' as const, heading: p.cgroupfs, setting: 'SystemdCgroup = false', note: p.cgroupfsNote },
  ];
  const rows0 = tree(p, 'systemd');
  const ys0 = layout(rows0);
  // The last row's name and note, then room for the note under the tree.
  const h = ys0[ys0.length - 1] + 14 + (rows0[rows0.length - 1].note ? NOTE : 0) + 34;
  const w = 2 * COL + GAP + 2;
  return (
    <figure className="diagram">
      <svg viewBox={`0 0 ${w} ${h}`} role="img" aria-labelledby={`${titleId} ${descId}`} width="100%" style={{ maxWidth: w }}>
        <title id={titleId}>{p.title}</title>
        <desc id={descId}>{p.desc}</desc>
        {columns.map((c, col) => {
          const x0 = 1 + col * (COL + GAP);
          const rows = tree(p, c.key);
          const ys = layout(rows);
          const nameX = (r: Row) => x0 + 12 + r.depth * INDENT;
          return (
            <g key={c.key}>
              <rect x={x0} y={1} width={COL} height={h - 2} rx={8} className="diagram-box" />
              <text x={x0 + COL / 2} y={22} textAnchor="middle" className="diagram-name">
                {c.heading}
              </text>
              <text x={x0 + COL / 2} y={39} textAnchor="middle" className="diagram-note" style={{ fontFamily: 'ui-monospace, monospace' }}>
                {c.setting}
              </text>
              {rows.map((r, i) => {
                const y = ys[i] + 14;
                // The connector from the parent's column down to this row, then across to the name.
                const px = nameX(r) - INDENT + 6;
                let parent = i - 1;
                while (parent >= 0 && rows[parent].depth >= r.depth) parent--;
                const fromY = parent >= 0 ? ys[parent] + 18 : y;
                return (
                  <g key={i}>
                    {r.depth > 0 && (
                      <path d={`M${px},${fromY} L${px},${y - 4} L${nameX(r) - 4},${y - 4}`} fill="none" stroke="currentColor" strokeWidth={1} opacity={0.6} />
                    )}
                    <text x={nameX(r)} y={y} className="diagram-name" style={{ ...FONT, fontWeight: r.hl ? 700 : 400 }}>
                      {r.name}
                    </text>
                    {r.note && (
                      <text x={nameX(r)} y={y + NOTE} className="diagram-note">
                        {r.note}
                      </text>
                    )}
                  </g>
                );
              })}
              <text x={x0 + COL / 2} y={h - 14} textAnchor="middle" className="diagram-note">
                {c.note}
              </text>
            </g>
          );
        })}
      </svg>
      {p.caption && <figcaption>{p.caption}</figcaption>}
    </figure>
  );
}
