// The runtime stack, top to bottom: who asks whom to start a container.
const LAYERS: Array<{ name: string; note: string; inLab: boolean }> = [
  { name: 'kubelet', note: 'the node agent of Kubernetes', inLab: false },
  { name: 'CRI (gRPC)', note: 'the API between kubelet and runtime', inLab: true },
  { name: 'containerd', note: 'images, snapshots, containers', inLab: true },
  { name: 'containerd-shim-runc-v2', note: 'one per container; stays as its parent', inLab: true },
  { name: 'runc  /  crun', note: 'OCI runtime: namespaces, cgroups, exec', inLab: true },
  { name: 'container process', note: 'your program, isolated', inLab: true },
];

const W = 460;
const BOX_H = 46;
const GAP = 22;

export function RuntimeStack({ highlight }: { highlight?: string }) {
  const h = LAYERS.length * (BOX_H + GAP) - GAP + 2;
  return (
    <figure className="diagram">
      <svg viewBox={`0 0 ${W} ${h}`} role="img" aria-labelledby="runtime-stack-title runtime-stack-desc" width="100%" style={{ maxWidth: W }}>
        <title id="runtime-stack-title">The container runtime stack</title>
        <desc id="runtime-stack-desc">{LAYERS.map((l) => l.name).join(', then ')}. Each layer asks the one below it.</desc>
        <defs>
          <marker id="arrowhead" viewBox="0 0 10 10" refX="5" refY="9" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path d="M0,0 L10,0 L5,10 z" fill="currentColor" />
          </marker>
        </defs>
        {LAYERS.map((l, i) => {
          const y = 1 + i * (BOX_H + GAP);
          const hl = highlight === l.name;
          return (
            <g key={l.name}>
              <rect x={1} y={y} width={W - 2} height={BOX_H} rx={8} className={`diagram-box${l.inLab ? '' : ' diagram-box-absent'}${hl ? ' diagram-box-hl' : ''}`} />
              <text x={16} y={y + 20} className="diagram-name">{l.name}</text>
              <text x={16} y={y + 37} className="diagram-note">{l.note}{l.inLab ? '' : ' (not in this lab: you play it with ctr)'}</text>
              {i < LAYERS.length - 1 && <line x1={W / 2} y1={y + BOX_H + 2} x2={W / 2} y2={y + BOX_H + GAP - 4} stroke="currentColor" strokeWidth={1.5} markerEnd="url(#arrowhead)" />}
            </g>
          );
        })}
      </svg>
      <figcaption>kubelet → CRI → containerd → shim → runc → container</figcaption>
    </figure>
  );
}
