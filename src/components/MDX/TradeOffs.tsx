'use client';
// A comparison table: one column per kind of low-level runtime (native, sandboxed, virtualized),
// one row per thing they trade. Every word comes from the MDX as string props, so each language
// writes its own:
//   <TradeOffs caption="..." corner="..." native="..." sandboxed="..." virtualized="...">
//     <TradeOff what="Isolation" native="..." sandboxed="..." virtualized="..." />
//   </TradeOffs>
import { Children, isValidElement, useId, type CSSProperties, type ReactElement, type ReactNode } from 'react';

interface TradeOffProps {
  what: string;
  native: string;
  sandboxed: string;
  virtualized: string;
}

/** One row of a <TradeOffs> table; the table renders it. */
export function TradeOff(_: TradeOffProps): null {
  return null;
}

const KINDS = ['native', 'sandboxed', 'virtualized'] as const;
const cell: CSSProperties = { border: '1px solid var(--border)', padding: '0.4rem 0.6rem', verticalAlign: 'top', textAlign: 'left' };
const head: CSSProperties = { ...cell, background: 'var(--bg-soft)' };

export function TradeOffs(props: { caption: string; corner: string; native: string; sandboxed: string; virtualized: string; children?: ReactNode }) {
  const id = useId();
  // Rows are recognised by their props: from the server, a row's element type is a lazy reference, not TradeOff.
  const rows = Children.toArray(props.children).filter((c): c is ReactElement<TradeOffProps> => isValidElement(c) && typeof (c.props as Partial<TradeOffProps>).what === 'string');
  return (
    <div className="trade-offs" role="region" aria-labelledby={id} tabIndex={0} style={{ overflowX: 'auto', margin: '1.25rem 0' }}>
      <table style={{ width: '100%', borderCollapse: 'collapse', fontSize: '0.9rem', lineHeight: 1.45 }}>
        <caption id={id} style={{ captionSide: 'bottom', fontSize: '0.85rem', color: 'var(--muted)', paddingTop: '0.4rem' }}>
          {props.caption}
        </caption>
        <thead>
          <tr>
            <th scope="col" style={head}>{props.corner}</th>
            {KINDS.map((k) => (
              <th key={k} scope="col" style={head}>{props[k]}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.props.what}>
              <th scope="row" style={{ ...head, minWidth: "5.5em" }}>{r.props.what}</th>
              {KINDS.map((k) => (
                <td key={k} style={cell}>{r.props[k]}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
