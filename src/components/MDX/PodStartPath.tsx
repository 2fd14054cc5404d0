'use client';
// What a pod's start goes through on a node, top to bottom, each station numbered by the lab of
// "Break and fix" that breaks it, with the command that looks at it. Names, paths and commands are
// what the lab shows, so they stay as they are; every other word comes from the prose as a prop, so
// each language passes its own.
import { useId } from 'react';
import { ArrowMarker } from './ArrowMarker.tsx';

export interface PodStartPathProps {
  /** The figure's title (its text alternative). */
  title: string;
  /** A sentence or two saying what the figure shows, for those who cannot see it. */
  desc: string;
  /** What each station does, in the order a pod's start meets them. */
  client: string;
  daemon: string;
  plugin: string;
  sandbox: string;
  network: string;
  cgroups: string;
  pull: string;
  /** The heading over the commands' column. */
  lookWith: string;
  /** The figure's caption. */
  caption?: string;
}

const W = 700;
const TOP = 30;
const BOX_H = 48;
const GAP = 16;
const BOX_X = 44;

export function PodStartPath(p: PodStartPathProps) {
  const id = useId();
  const titleId = `${id}-title`;
  const descId = `${id}-desc`;
  const arrowId = `${id}-arrow`;
  const stations = [
    { lab: 1, name: 'crictl  →  /etc/crictl.yaml', note: p.client, look: 'crictl config --list' },
    { lab: 2, name: 'containerd.service', note: p.daemon, look: 'systemctl status · journalctl' },
    { lab: 3, name: 'io.containerd.grpc.v1.cri', note: p.plugin, look: 'ctr plugins ls' },
    { lab: 4, name: 'registry.k8s.io/pause:3.10', note: p.sandbox, look: 'crictl images' },
    { lab: 5, name: '/etc/cni/net.d', note: p.network, look: 'crictl info' },
    { lab: 6, name: 'runc: SystemdCgroup', note: p.cgroups, look: 'crictl info' },
    { lab: 7, name: 'certs.d/docker.io/hosts.toml', note: p.pull, look: 'journalctl -u containerd' },
  ];
  const h = TOP + stations.length * (BOX_H + GAP) - GAP + 2;
  return (
    <figure className="diagram">
      <svg viewBox={`0 0 ${W} ${h}`} role="img" aria-labelledby={`${titleId} ${descId}`} width="100%" style={{ maxWidth: W }}>
        <title id={titleId}>{p.title}</title>
        <desc id={descId}>{p.desc}</desc>
        <defs>
          <ArrowMarker id={arrowId} />
        </defs>
        <text x={W - 14} y={18} textAnchor="end" className="diagram-note">
          {p.lookWith}
        </text>
        {stations.map((s, i) => {
          const y = TOP + i * (BOX_H + GAP);
          return (
            <g key={s.lab}>
              <circle cx={18} cy={y + BOX_H / 2} r={13} className="diagram-box" />
              <text x={18} y={y + BOX_H / 2 + 5} textAnchor="middle" className="diagram-name" style={{ fontSize: 14 }}>
                {s.lab}
              </text>
              <rect x={BOX_X} y={y} width={W - BOX_X - 1} height={BOX_H} rx={8} className="diagram-box" />
              <text x={BOX_X + 12} y={y + 20} className="diagram-name" style={{ fontSize: 14 }}>
                {s.name}
              </text>
              <text x={BOX_X + 12} y={y + 38} className="diagram-note">
                {s.note}
              </text>
              <text x={W - 14} y={y + 20} textAnchor="end" className="diagram-note" style={{ fontFamily: 'ui-monospace, monospace' }}>
                {s.look}
              </text>
              {i < stations.length - 1 && (
                <line x1={BOX_X + 24} y1={y + BOX_H + 1} x2={BOX_X + 24} y2={y + BOX_H + GAP - 3} stroke="currentColor" strokeWidth={1.5} markerEnd={`url(#${arrowId})`} />
              )}
            </g>
          );
        })}
      </svg>
      {p.caption && <figcaption>{p.caption}</figcaption>}
    </figure>
  );
}
