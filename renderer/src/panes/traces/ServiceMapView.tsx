import type { ServiceMap } from '../../../../shared/traces/service-map';

/** The services of one trace on a circle, with arrows for calls (count, errors). */
export function ServiceMapView({ map }: { map: ServiceMap }) {
  const W = 760;
  const H = 460;
  const n = map.nodes.length;
  const R = Math.min(W, H) / 2 - 70;
  const pos = new Map(map.nodes.map((node, k) => [node.service, { x: W / 2 + R * Math.cos((2 * Math.PI * k) / n - Math.PI / 2), y: H / 2 + R * Math.sin((2 * Math.PI * k) / n - Math.PI / 2) }]));
  const maxCalls = Math.max(1, ...map.edges.map((e) => e.calls));
  return (
    <div className="service-map">
      <svg viewBox={`0 0 ${W} ${H}`} width="100%" style={{ maxHeight: 440 }} role="img" aria-label={`Service map: ${n} services, ${map.edges.length} call paths`}>
        <defs>
          <marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="10" markerHeight="10" markerUnits="userSpaceOnUse" orient="auto-start-reverse">
            <path d="M 0 0 L 10 5 L 0 10 z" fill="currentColor" />
          </marker>
        </defs>
        {map.edges.map((e) => {
          const a = pos.get(e.from)!;
          const b = pos.get(e.to)!;
          const dx = b.x - a.x;
          const dy = b.y - a.y;
          const len = Math.max(1, Math.hypot(dx, dy));
          const r = 30;
          const x1 = a.x + (dx / len) * r;
          const y1 = a.y + (dy / len) * r;
          const x2 = b.x - (dx / len) * (r + 4);
          const y2 = b.y - (dy / len) * (r + 4);
          return (
            <g key={`${e.from}>${e.to}`} className={e.errors ? 'edge error' : 'edge'}>
              <line x1={x1} y1={y1} x2={x2} y2={y2} strokeWidth={1 + (3 * e.calls) / maxCalls} markerEnd="url(#arrow)" />
              <text x={(x1 + x2) / 2} y={(y1 + y2) / 2 - 4} textAnchor="middle">
                {e.calls}
                {e.errors ? ` (${e.errors} err)` : ''}
              </text>
            </g>
          );
        })}
        {map.nodes.map((node) => {
          const p = pos.get(node.service)!;
          return (
            <g key={node.service} className={node.errors ? 'node error' : 'node'}>
              <circle cx={p.x} cy={p.y} r={30} />
              <text x={p.x} y={p.y - 2} textAnchor="middle" className="node-name">
                {node.service.length > 14 ? node.service.slice(0, 13) + '…' : node.service}
              </text>
              <text x={p.x} y={p.y + 12} textAnchor="middle" className="node-count">
                {node.spans} spans{node.errors ? ` · ${node.errors} err` : ''}
              </text>
            </g>
          );
        })}
      </svg>
      <table className="attr-table small">
        <thead>
          <tr>
            <th>caller</th>
            <th>callee</th>
            <th>calls</th>
            <th>errors</th>
          </tr>
        </thead>
        <tbody>
          {map.edges.map((e) => (
            <tr key={`${e.from}>${e.to}`}>
              <td>{e.from}</td>
              <td>{e.to}</td>
              <td>{e.calls}</td>
              <td className={e.errors ? 'error' : ''}>{e.errors}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
