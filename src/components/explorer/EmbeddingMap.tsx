import { useDeferredValue, useMemo, useState } from 'react';
import { useStore } from '../../store';
import { PALETTE } from '../../palette';
import { formatForget, parseForget } from '../../forgetSpec';
import { median } from '../../core/common/stats';
import { useMinFont } from '../useMinFont';
import { Figure } from './Figure';
import { useChartText } from './chartStyle';

const W = 560;
const H = 420;
const PAD = 16;

/** A round multiplier (1, 2, 5 × 10ⁿ) at most x, so the stated arrow scale is easy to read. */
export function roundScale(x: number): number {
  if (!(x > 1)) return 1;
  const mag = 10 ** Math.floor(Math.log10(x));
  return [5, 2, 1].map((m) => m * mag).find((s) => s <= x) ?? mag;
}

/** Users and items of the original model on two PCA axes (fixed for every method). After a run,
 *  arrows go from each neighbourhood node's original position to where the chosen method moved it. */
export function EmbeddingMap() {
  // The map and the user list arrive when training ends; deferred, their first render is time-sliced
  // (concurrent) instead of one long main-thread task.
  const map = useDeferredValue(useStore((s) => s.map));
  // Deferred: a landing redraws the arrows in a render of their own, after the page's urgent update.
  const result = useDeferredValue(useStore((s) => s.result));
  const [chosen, setChosen] = useState('ifru');
  const series = result ? (result.arrows.after[chosen] ? chosen : (result.methods.at(-1)?.name ?? chosen)) : chosen;
  const { ref, font } = useMinFont(W, useChartText().minPx);
  const forget = useStore((s) => s.experiment.forget);
  const users = useDeferredValue(useStore((s) => s.users));
  const setForget = useStore((s) => s.setForget);
  const busy = useStore((s) => s.phase !== 'idle');

  const frame = useMemo(() => {
    if (!map) return null;
    let x0 = Infinity;
    let x1 = -Infinity;
    let y0 = Infinity;
    let y1 = -Infinity;
    for (let k = 0; k < map.xy.length; k += 2) {
      x0 = Math.min(x0, map.xy[k]);
      x1 = Math.max(x1, map.xy[k]);
      y0 = Math.min(y0, map.xy[k + 1]);
      y1 = Math.max(y1, map.xy[k + 1]);
    }
    const s = Math.min((W - 2 * PAD) / (x1 - x0 || 1), (H - 2 * PAD) / (y1 - y0 || 1));
    return { sx: (x: number) => PAD + (x - x0) * s, sy: (y: number) => H - PAD - (y - y0) * s, span: Math.max(x1 - x0, y1 - y0), unit: s };
  }, [map]);

  const arrows = useMemo(() => {
    if (!result || !frame) return null;
    const after = result.arrows.after[series];
    if (!after) return null;
    const before = result.arrows.before;
    const lens: number[] = [];
    for (let k = result.report.removedUsers > 0 ? 2 : 0; k < before.length; k += 2) lens.push(Math.hypot(after[k] - before[k], after[k + 1] - before[k + 1]));
    const med = median(lens);
    const sorted = [...lens].sort((a, b) => a - b);
    const p95 = sorted[Math.floor(0.95 * (sorted.length - 1))] ?? 0;
    // Movements are tiny next to the spread of the map, so arrows are drawn longer by one round factor,
    // stated on the map: the median arrow about 4% of the map, the 95th percentile at most 15%. The few
    // longer ones are clipped at the plot's edge.
    const fit = Math.min(med > 0 ? (0.04 * frame.span) / med : Infinity, p95 > 0 ? (0.15 * frame.span) / p95 : Infinity);
    const scale = Number.isFinite(fit) ? roundScale(fit) : 1;
    return { before, after, scale };
  }, [result, frame, series]);

  const [hover, setHover] = useState(-1);
  // All points as two paths (users, items) of zero-length round-capped segments: two DOM nodes instead of
  // thousands keeps a render far under a frame.
  const dotPaths = useMemo(() => {
    if (!map || !frame) return { users: '', items: '' };
    const path = (from: number, to: number) => {
      const parts: string[] = [];
      for (let k = from; k < to; k++) parts.push(`M${frame.sx(map.xy[2 * k]).toFixed(1)} ${frame.sy(map.xy[2 * k + 1]).toFixed(1)}h0`);
      return parts.join('');
    };
    return { users: path(0, map.nUsers), items: path(map.nUsers, map.nUsers + map.nItems) };
  }, [map, frame]);

  const byDegree = useMemo(
    () => (users ? Array.from(users.ids.keys()).sort((a, b) => users.degree[b] - users.degree[a] || a - b) : []),
    [users],
  );

  if (!map || !frame || !users) return null;
  const choice = parseForget(forget);
  const selected = choice.mode === 'user' || choice.mode === 'items' ? users.ids.indexOf(choice.user) : -1;
  const pick = (u: number) => {
    if (busy) return;
    const id = users.ids[u];
    void setForget(formatForget(choice.mode === 'items' ? { mode: 'items', user: id, items: [] } : { mode: 'user', user: id }));
  };
  // Clicks and hovers find the nearest user within 8 px (the points are paths, not elements).
  const nearestUser = (evt: React.MouseEvent<SVGSVGElement>): number => {
    const svg = evt.currentTarget;
    const box = svg.getBoundingClientRect();
    const px = ((evt.clientX - box.left) / box.width) * W;
    const py = ((evt.clientY - box.top) / box.height) * H;
    let best = -1;
    let bestD = 8 * 8;
    for (let u = 0; u < map.nUsers; u++) {
      const dx = frame.sx(map.xy[2 * u]) - px;
      const dy = frame.sy(map.xy[2 * u + 1]) - py;
      const dd = dx * dx + dy * dy;
      if (dd < bestD) {
        bestD = dd;
        best = u;
      }
    }
    return best;
  };
  const methodButtons = result && result.methods.length > 0 && (
    <label className="inline-select">
      Arrows of{' '}
      <select value={series} onChange={(e) => setChosen(e.target.value)}>
        {result.methods.map((m) => (
          <option key={m.name} value={m.name}>
            {m.label}
          </option>
        ))}
      </select>
    </label>
  );
  const label = (m: string) => result?.methods.find((x) => x.name === m)?.label ?? m;
  const share = (v: number) => ((v / map.totalVariance) * 100).toFixed(0);
  const moved = arrows
    ? Array.from(result!.view.nodes, (_, k) => ({
        node: result!.view.labels[k],
        hop: result!.view.hop[k],
        len: Math.hypot(arrows.after[2 * k] - arrows.before[2 * k], arrows.after[2 * k + 1] - arrows.before[2 * k + 1]),
      }))
        .filter((_, k) => !(k === 0 && result!.report.removedUsers > 0))
        .sort((a, b) => b.len - a.len)
        .slice(0, 15)
    : [];
  return (
    <Figure
      id="map"
      title="Embedding map (PCA of the original model)"
      look={
        result
          ? `Arrows: how ${label(series)} moved the forgotten user's neighbourhood, drawn ${arrows?.scale ?? 1}× longer than the movement (the axes stay those of the original model; arrows past the edge are cut).`
          : 'Users (blue) and items (orange) close together are alike. Click a user (or focus the map, then arrows and Enter) to pick them for forgetting.'
      }
      actions={methodButtons}
      data={
        arrows
          ? { columns: ['node (longest arrows first)', 'hop', `movement on the map (${label(series)})`], rows: moved.map((m) => [m.node, m.hop, m.len]) }
          : {
              columns: ['user (most interactions first)', 'train interactions', 'PC1', 'PC2'],
              rows: byDegree.slice(0, 15).map((u) => [users.ids[u], users.degree[u], map.xy[2 * u], map.xy[2 * u + 1]]),
            }
      }
    >
      <svg
        ref={ref}
        viewBox={`0 0 ${W} ${H}`}
        className="map"
        role="img"
        aria-label={`Embedding map of ${map.nUsers} users and ${map.nItems} items${arrows ? `, with arrows of ${label(series)} drawn ${arrows.scale}× longer` : ''}; focus it, then use the arrow keys and Enter to pick a user`}
        onClick={(e) => {
          const u = nearestUser(e);
          if (u >= 0) pick(u);
        }}
        onMouseMove={(e) => setHover(nearestUser(e))}
        onMouseLeave={() => setHover(-1)}
        tabIndex={0}
        onKeyDown={(e) => {
          // Keyboard: arrows step through the users (heaviest first), Enter picks the highlighted one.
          if (e.key === 'ArrowRight' || e.key === 'ArrowDown' || e.key === 'ArrowLeft' || e.key === 'ArrowUp') {
            e.preventDefault();
            const step = e.key === 'ArrowRight' || e.key === 'ArrowDown' ? 1 : -1;
            const at = byDegree.indexOf(hover);
            setHover(byDegree[(at + step + byDegree.length) % byDegree.length]);
          } else if (e.key === 'Enter' && hover >= 0) pick(hover);
        }}
      >
        <defs>
          <marker id="arrowhead" markerWidth="6" markerHeight="6" refX="5" refY="3" orient="auto">
            <path d="M0,0 L6,3 L0,6 z" fill={PALETTE.vermillion} />
          </marker>
          <clipPath id="map-plot">
            <rect x={0} y={0} width={W} height={H} />
          </clipPath>
        </defs>
        <path d={dotPaths.items} stroke={PALETTE.orange} strokeWidth={3.2} strokeLinecap="round" opacity={result ? 0.25 : 0.55} />
        <path d={dotPaths.users} stroke={PALETTE.blue} strokeWidth={4.4} strokeLinecap="round" opacity={result ? 0.3 : 0.6} />
        {hover >= 0 && <circle className="map-hover-ring" cx={frame.sx(map.xy[2 * hover])} cy={frame.sy(map.xy[2 * hover + 1])} r={5} fill="none" stroke="#000" />}
        {hover >= 0 && (
          <text x={Math.min(W - font * 9, frame.sx(map.xy[2 * hover]) + 8)} y={Math.max(font, frame.sy(map.xy[2 * hover + 1]) - 8)} fontSize={font} className="map-hover">
            {`user ${users.ids[hover]} (${users.degree[hover]})`}
          </text>
        )}
        <g clipPath="url(#map-plot)">
        {arrows &&
          Array.from(result!.view.nodes, (_, k) => {
            // A deleted user's row is reset, not moved by the method: no arrow for it.
            if (k === 0 && result!.report.removedUsers > 0) return null;
            const bx = arrows.before[2 * k];
            const by = arrows.before[2 * k + 1];
            const ax = bx + (arrows.after[2 * k] - bx) * arrows.scale;
            const ay = by + (arrows.after[2 * k + 1] - by) * arrows.scale;
            return (
              <line
                key={k}
                x1={frame.sx(bx)}
                y1={frame.sy(by)}
                x2={frame.sx(ax)}
                y2={frame.sy(ay)}
                stroke={PALETTE.vermillion}
                strokeWidth={k === 0 ? 2 : 1}
                markerEnd="url(#arrowhead)"
                opacity={0.8}
              />
            );
          })}
        </g>
        {selected >= 0 && (
          <circle cx={frame.sx(map.xy[2 * selected])} cy={frame.sy(map.xy[2 * selected + 1])} r={7} fill="none" stroke="#000" strokeWidth={2}>
            <title>{`user ${users.ids[selected]} (selected)`}</title>
          </circle>
        )}
        <text x={PAD} y={H - 4} fontSize={font} fill="#444">
          PC1 ({share(map.variance[0])}% of the variance) →
        </text>
        <text transform={`translate(${font}, ${H - PAD}) rotate(-90)`} fontSize={font} fill="#444">
          PC2 ({share(map.variance[1])}% of the variance) →
        </text>
        {arrows && (
          <text x={W - 4} y={font} textAnchor="end" fontSize={font} fill="#444">
            {`arrows ×${arrows.scale}`}
          </text>
        )}
      </svg>
    </Figure>
  );
}
