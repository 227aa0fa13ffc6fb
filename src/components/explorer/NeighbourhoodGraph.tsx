import { useMemo } from 'react';
import type { ExplorerResult } from '../../../workers/protocol';
import { PALETTE } from '../../palette';
import { logScale } from '../../viz/color';
import { ringLayout, textBox, textWidth, type Box } from '../../viz/ringLayout';
import { fmt } from '../../viz/stats';
import { useMinFont } from '../useMinFont';
import { useChartText } from './chartStyle';
import { Figure } from './Figure';

const SIZE = 440;
/** The series "IFRU − IF (direct)": what the spillover term alone moves. */
export const SPILLOVER_SERIES = 'ifru-if';

export function seriesNorms(result: ExplorerResult, series: string): Float32Array | null {
  if (series === 'reference') return result.reference?.norms ?? null;
  if (series === SPILLOVER_SERIES) return result.spillover?.norms ?? null;
  return result.movement[series]?.norms ?? null;
}

/** The series the picture can be coloured by: the proximal reference, each method but Retrain (a
 *  scratch retrain moves every node by training noise) and the sharded ensembles, and IFRU − IF (direct) when both ran. */
export function seriesOptions(result: ExplorerResult): { name: string; label: string }[] {
  return [
    ...(result.reference ? [{ name: 'reference', label: 'Proximal reference' }] : []),
    // A sharded ensemble has no per-node movement of one LightGCN to colour by (not comparable).
    ...result.methods.filter((m) => m.name !== 'retrain' && result.movement[m.name]).map((m) => ({ name: m.name, label: m.label })),
    ...(result.spillover ? [{ name: SPILLOVER_SERIES, label: 'IFRU − IF (direct): the spillover term alone' }] : []),
  ];
}

/** Mean of `norms` over the neighbourhood's nodes at each hop 1..K: the figures of "Movement per hop". */
export function hopMeans(norms: Float32Array | null, hop: Int8Array, hops: number): number[] {
  return Array.from({ length: hops }, (_, h) => {
    let s = 0;
    let n = 0;
    if (norms) {
      for (let k = 0; k < hop.length; k++) {
        if (hop[k] !== h + 1 || !Number.isFinite(norms[k])) continue;
        s += norms[k];
        n++;
      }
    }
    return n ? s / n : NaN;
  });
}

/** What each ring holds, for the forgotten user in the centre. */
export function ringLabel(h: number, user: string): string {
  if (h === 1) return `hop 1 · items of ${user}`;
  if (h === 2) return 'hop 2 · users who share them';
  if (h === 3) return 'hop 3 · their items';
  return `hop ${h} · ${h % 2 ? 'items' : 'users'} further out`;
}

/** Lines of at most `width` (estimated), breaking between the parts. */
function wrap(parts: string[], sep: string, width: number, font: number): string[] {
  const lines: string[] = [];
  for (const p of parts) {
    const last = lines[lines.length - 1];
    if (last !== undefined && textWidth(last + sep + p, font) <= width) lines[lines.length - 1] = last + sep + p;
    else lines.push(p);
  }
  return lines;
}

/** The forgotten user in the centre; hop-1 items, hop-2 users, hop-3 items on rings at their true hop
 *  distance (the rings' caps only choose which nodes are drawn). Colour = how far each node's embedding
 *  moved under the chosen series, on a log scale so that hops 2 and 3 show beside hop 1. */
export function NeighbourhoodGraph({ result, series, onSeries }: { result: ExplorerResult; series: string; onSeries: (s: string) => void }) {
  const { view } = result;
  const text = useChartText();
  const { ref, font } = useMinFont(SIZE, text.minPx);
  const options = seriesOptions(result);
  // One colour scale for every series, so switching shows which moves more: log, from the 95th
  // percentile of hop 1's movements under all of them (drawn or not) down two decades.
  const scale = useMemo(() => {
    const values: number[] = [];
    for (const o of options) {
      const n = seriesNorms(result, o.name);
      if (n) for (let k = 0; k < n.length; k++) if (result.hop[k] === 1) values.push(n[k]);
    }
    return logScale(values);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [result]);
  const norms = seriesNorms(result, series);
  const hops = view.totals.length;
  const means = hopMeans(norms, result.hop, hops);
  const forgotten = new Set(result.forgottenItems);
  const whole = result.report.removedUsers > 0;
  const seriesLabel = options.find((o) => o.name === series)?.label ?? series;

  // Marks grow with the text (class mode); the rings leave room for the outer ring's label on top.
  const nodeR = 7 * text.scale;
  const R = SIZE / 2 - nodeR - 4;
  const cx = SIZE / 2;
  const cy = R + nodeR + font * 1.4 + 8;
  const centreR = 9 * text.scale;
  // Ring 1 leaves room for the centre's two labels (wider with larger text), the outer rings spread evenly.
  const centreWord = whole ? '(deleted)' : '(data forgotten)';
  const inner = Math.min(0.55 * R, Math.max(0.4 * R, Math.hypot(textWidth(centreWord, font) / 2, centreR + font) + nodeR + 4));
  const radii = Array.from({ length: hops }, (_, h) => (hops === 1 ? inner : inner + ((R - inner) * h) / (hops - 1)));
  // The centre's name above it and what happened to it below: two short lines fit inside ring 1.
  const labels = radii.map((r, h) => ({ text: ringLabel(h + 1, result.centreUser), x: cx, y: cy - r - nodeR - 0.3 * font - 6 }));
  labels.push({ text: result.centreUser, x: cx, y: cy - centreR - 0.3 * font - 3 });
  labels.push({ text: centreWord, x: cx, y: cy + centreR + font + 2 });
  const boxes: Box[] = labels.map((l) => textBox(l.text, l.x, l.y, font));
  const { x, y } = useMemo(() => ringLayout(view.hop, view.angle, { cx, cy }, radii, nodeR + 1, boxes), [view, cx, cy, nodeR, font, hops]); // eslint-disable-line react-hooks/exhaustive-deps

  // The key under the picture, in rows as tall as the text is (the text grows on a narrow screen and in
  // class mode, so every row wraps): its title, each hop's mean marked over the colour bar, the bar, its
  // ticks, the marks, what is drawn.
  const line = font * 1.5;
  const keyTop = cy + R + nodeR + 10;
  const titleRows = wrap(`moved ‖Δe‖ (log scale); ${Array.from({ length: hops }, (_, h) => h + 1).join(', ')}: mean per hop`.split(' '), ' ', SIZE, font);
  const markerY = keyTop + titleRows.length * line + font;
  const bar = { y: markerY + 0.5 * font, h: font };
  const tickY = bar.y + bar.h + font + 2;
  const marks = [
    { key: 'user', text: 'user' },
    { key: 'item', text: 'item' },
    { key: 'forgotten', text: 'forgotten' },
    ...(whole ? [{ key: 'deleted', text: 'deleted edge' }] : []),
  ];
  let mx = 0;
  let my = tickY + line;
  const placed = marks.map((m) => {
    const w = font * (m.key === 'deleted' ? 2.1 : 1.3) + textWidth(m.text, font);
    if (mx > 0 && mx + w > SIZE) {
      mx = 0;
      my += line;
    }
    const at = { ...m, x: mx, y: my };
    mx += w + font;
    return at;
  });
  const shownRow = wrap(
    view.totals.map((total, h) => `hop ${h + 1}: ${Array.from(view.hop).filter((v) => v === h + 1).length} of ${total}`),
    ' · ',
    SIZE - textWidth('drawn: ', font),
    font,
  );
  const shownY = my + line;
  const height = shownY + line * (shownRow.length - 1) + font * 0.5;
  // Marker numbers that would overlap the one before are left out (the table has every mean).
  const markers: { h: number; at: number; label: boolean }[] = [];
  means.forEach((m, h) => {
    if (!Number.isFinite(m)) return;
    const at = scale.at(m) * SIZE;
    markers.push({ h: h + 1, at, label: markers.every((p) => !p.label || Math.abs(p.at - at) >= font * 1.1) });
  });
  const meanText = means.map((m, h) => `hop ${h + 1} ${fmt(m, 4)}`).join(', ');
  const fades = means.length > 1 && means.every((m, h) => h === 0 || m < means[h - 1]);
  const look =
    series === SPILLOVER_SERIES
      ? `Colour = how far the spillover term alone moves each node: IFRU's movement minus IF-direct's. Mean per hop: ${meanText}. The direct term alone would leave these nodes as IF does.`
      : `Colour = how far each node moved under ${seriesLabel}, on a log scale so that hops 2 and 3 show. Mean per hop: ${meanText}${fades ? ': the effect fades with distance but reaches every ring' : ''}.`;

  return (
    <Figure
      id="neighbourhood"
      title="Spillover through the graph"
      look={look}
      actions={
        <label className="inline-select">
          Colour nodes by{' '}
          <select value={series} onChange={(e) => onSeries(e.target.value)}>
            {options.map((o) => (
              <option key={o.name} value={o.name}>
                {o.label}
              </option>
            ))}
          </select>
        </label>
      }
      data={{
        columns: ['hop', 'nodes drawn', 'in the graph', `mean movement, all nodes at this hop (${seriesLabel})`, 'forgotten items drawn'],
        rows: view.totals.map((total, h) => {
          let shown = 0;
          let forgottenShown = 0;
          for (let k = 1; k < view.nodes.length; k++) {
            if (view.hop[k] !== h + 1) continue;
            shown++;
            if (forgotten.has(view.labels[k])) forgottenShown++;
          }
          return [`hop ${h + 1}`, shown, total, means[h], h === 0 ? `${forgottenShown} of ${result.forgottenItems.length}` : '–'];
        }),
      }}
    >
      <svg
        ref={ref}
        viewBox={`0 0 ${SIZE} ${height}`}
        role="img"
        data-testid="neighbourhood-svg"
        aria-label={`Neighbourhood graph of user ${result.centreUser}: rings at hop 1 to ${hops}, nodes coloured by how far ${seriesLabel} moved them (log scale); mean per hop ${meanText}`}
      >
        {radii.map((r, h) => (
          <circle key={h} cx={cx} cy={cy} r={r} fill="none" stroke="#d5d9de" strokeWidth={1} />
        ))}
        <g stroke="#8a939d" strokeOpacity={0.3} strokeWidth={0.6}>
          {Array.from({ length: view.edges.length / 2 }, (_, e) => {
            const a = view.edges[2 * e];
            const b = view.edges[2 * e + 1];
            // The centre's edges to its forgotten items are the deleted ones: dashed.
            const deleted = a === 0 && forgotten.has(view.labels[b]);
            return <line key={e} x1={x[a]} y1={y[a]} x2={x[b]} y2={y[b]} strokeDasharray={deleted ? '3 3' : undefined} />;
          })}
        </g>
        <g data-testid="nodes">
        {Array.from(view.nodes, (_, k) => {
          if (k === 0) return null;
          const i = view.index[k];
          const v = norms && i >= 0 ? norms[i] : NaN;
          const isItem = view.hop[k] % 2 === 1;
          const isForgotten = view.hop[k] === 1 && forgotten.has(view.labels[k]);
          const what = `${isItem ? 'item' : 'user'} ${view.labels[k]}, hop ${view.hop[k]}: moved ${fmt(v, 4)}${isForgotten ? ' (forgotten)' : ''}`;
          const s = isItem ? nodeR * 0.85 : nodeR;
          return isItem ? (
            <rect key={k} x={x[k] - s} y={y[k] - s} width={2 * s} height={2 * s} fill={scale.colour(v)} stroke={isForgotten ? PALETTE.vermillion : '#333'} strokeWidth={isForgotten ? 2.5 * text.scale : 0.5}>
              <title>{what}</title>
            </rect>
          ) : (
            <circle key={k} cx={x[k]} cy={y[k]} r={s} fill={scale.colour(v)} stroke="#333" strokeWidth={0.5}>
              <title>{what}</title>
            </circle>
          );
        })}
        </g>
        <circle cx={cx} cy={cy} r={centreR} fill={whole ? '#fff' : PALETTE.grey} stroke="#000" strokeWidth={2} strokeDasharray={whole ? '3 2' : undefined}>
          <title>{`user ${result.centreUser}${whole ? ' — deleted (left out of movement)' : ''}`}</title>
        </circle>
        <g fontSize={font} fill="#1d1d1f" textAnchor="middle" stroke="#fff" strokeWidth={font / 4} strokeLinejoin="round" paintOrder="stroke" data-testid="ring-labels">
          {labels.map((l) => (
            <text key={l.text} x={l.x} y={l.y} fontWeight={600}>
              {l.text}
            </text>
          ))}
        </g>
        <g fontSize={font} fill="#333">
          {titleRows.map((t, k) => (
            <text key={t} x={0} y={keyTop + font + k * line}>
              {t}
            </text>
          ))}
          {Array.from({ length: 40 }, (_, k) => (
            <rect key={k} x={(k * SIZE) / 40} y={bar.y} width={SIZE / 40 + 0.5} height={bar.h} fill={scale.colour(scale.lo * (scale.hi / scale.lo) ** ((k + 0.5) / 40))} />
          ))}
          {markers.map((m) => (
            <g key={m.h} data-testid={`hop-marker-${m.h}`}>
              <line x1={m.at} x2={m.at} y1={bar.y - 3} y2={bar.y + bar.h + 3} stroke="#000" strokeWidth={2.5} />
              {m.label && (
                <text x={Math.min(SIZE - font / 2, Math.max(font / 2, m.at))} y={markerY} textAnchor="middle" fontWeight={700}>
                  {m.h}
                </text>
              )}
            </g>
          ))}
          {scale.ticks.map((t, k) => {
            const px = scale.at(t) * SIZE;
            const anchor = px < font * 2 ? 'start' : px > SIZE - font * 2 ? 'end' : 'middle';
            return (
              <text key={k} x={px} y={tickY} textAnchor={anchor}>
                {fmt(t, 3)}
              </text>
            );
          })}
          {placed.map((m) => (
            <g key={m.key} transform={`translate(${m.x}, ${m.y - font})`}>
              {m.key === 'user' && <circle cx={font / 2} cy={font * 0.65} r={font * 0.4} fill="#888" />}
              {m.key === 'item' && <rect x={font * 0.1} y={font * 0.25} width={font * 0.8} height={font * 0.8} fill="#888" />}
              {m.key === 'forgotten' && <rect x={font * 0.1} y={font * 0.25} width={font * 0.8} height={font * 0.8} fill="#fff" stroke={PALETTE.vermillion} strokeWidth={2.5} />}
              {m.key === 'deleted' && <line x1={0} x2={font * 1.6} y1={font * 0.65} y2={font * 0.65} stroke="#555" strokeWidth={1.5} strokeDasharray="3 3" />}
              <text x={m.key === 'deleted' ? font * 2.1 : font * 1.3} y={font}>
                {m.text}
              </text>
            </g>
          ))}
          {shownRow.map((l, k) => (
            <text key={l} x={0} y={shownY + k * line} fill="#444">
              {k === 0 ? `drawn: ${l}` : l}
            </text>
          ))}
        </g>
      </svg>
    </Figure>
  );
}
