'use client';
// One pod's network as the lab builds it: on the host, the CNI bridge cni0 and the host end of a
// veth pair; in the pod's network namespace, the other end (eth0) and lo, shared by pause and every
// container of the pod. Interface names, addresses and program names are what the lab shows, so they
// stay as they are; every other word comes from the prose as a prop, so each language passes its own.
import { useId } from 'react';

export interface PodNetworkProps {
  /** The figure's title (its text alternative). */
  title: string;
  /** A sentence or two saying what the figure shows, for those who cannot see it. */
  desc: string;
  /** The host's box: the root network namespace. */
  host: string;
  /** The pod's box: its network namespace, which pause holds. */
  pod: string;
  /** Under cni0 and under the host's veth end: what each is. */
  bridge: string;
  vethHost: string;
  /** On the line joining the two ends of the pair. */
  vethPair: string;
  /** Under eth0 and lo in the pod. */
  podIp: string;
  loopback: string;
  /** Under pause and under the containers. */
  pause: string;
  container: string;
  /** The figure's caption. */
  caption?: string;
}

const W = 780;
const H = 330;
const MONO = { fontFamily: 'ui-monospace, monospace' };

/** A box with a name and a note under it. */
function Box(props: { x: number; y: number; w: number; name: string; note: string; hl?: boolean; sub?: string }) {
  const h = props.sub ? 64 : 48;
  return (
    <g>
      <rect x={props.x} y={props.y} width={props.w} height={h} rx={6} className={`diagram-box${props.hl ? ' diagram-box-hl' : ''}`} />
      <text x={props.x + 10} y={props.y + 20} className="diagram-name">
        {props.name}
      </text>
      {props.sub && (
        <text x={props.x + 10} y={props.y + 38} className="diagram-note" style={MONO}>
          {props.sub}
        </text>
      )}
      <text x={props.x + 10} y={props.y + h - 10} className="diagram-note">
        {props.note}
      </text>
    </g>
  );
}

export function PodNetwork(p: PodNetworkProps) {
  const id = useId();
  const titleId = `${id}-title`;
  const descId = `${id}-desc`;
  // The pod's box on the right; its interfaces on its lower edge, facing the host's side.
  const pod = { x: 310, y: 44, w: W - 310 - 14, h: H - 44 - 14 };
  const ifY = 240;
  return (
    <figure className="diagram">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={`${titleId} ${descId}`} width="100%" style={{ maxWidth: W }}>
        <title id={titleId}>{p.title}</title>
        <desc id={descId}>{p.desc}</desc>
        <rect x={1} y={1} width={W - 2} height={H - 2} rx={8} className="diagram-box diagram-box-absent" />
        <text x={14} y={26} className="diagram-note">
          {p.host}
        </text>

        <Box x={20} y={60} w={200} name="cni0" sub="10.88.0.1/16" note={p.bridge} />
        <Box x={20} y={ifY} w={200} name="veth…@if2" note={p.vethHost} />
        <path d={`M120,124 L120,${ifY}`} fill="none" stroke="currentColor" strokeWidth={1.5} opacity={0.7} />

        <rect x={pod.x} y={pod.y} width={pod.w} height={pod.h} rx={8} className="diagram-box" />
        <text x={pod.x + 12} y={pod.y + 22} className="diagram-note">
          {p.pod}
        </text>
        <Box x={pod.x + 14} y={pod.y + 40} w={170} name="pause" note={p.pause} hl />
        <Box x={pod.x + 194} y={pod.y + 40} w={122} name="top" note={p.container} />
        <Box x={pod.x + 326} y={pod.y + 40} w={122} name="nginx" note={p.container} />
        <Box x={pod.x + 14} y={ifY - 8} w={190} name="eth0@if4" sub="10.88.0.2/16" note={p.podIp} />
        <Box x={pod.x + 224} y={ifY - 8} w={160} name="lo" sub="127.0.0.1" note={p.loopback} />

        {/* The veth pair: one cable, one end in each namespace. */}
        <path d={`M220,${ifY + 24} L${pod.x + 14},${ifY + 24}`} fill="none" stroke="currentColor" strokeWidth={3} />
        <text x={(220 + pod.x + 14) / 2} y={ifY + 16} textAnchor="middle" className="diagram-note">
          {p.vethPair}
        </text>
      </svg>
      {p.caption && <figcaption>{p.caption}</figcaption>}
    </figure>
  );
}
