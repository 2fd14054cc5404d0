// The arrowhead every diagram's lines end with (markerEnd={`url(#${id})`}). Drawn pointing along +x:
// orient="auto" turns it along the line it ends, whatever the line's direction.
export function ArrowMarker({ id }: { id: string }) {
  return (
    <marker id={id} viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto">
      <path d="M0,0 L10,5 L0,10 z" fill="currentColor" />
    </marker>
  );
}
