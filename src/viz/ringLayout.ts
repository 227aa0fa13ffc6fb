/**
 * Where the spillover picture draws its nodes: ring h at radius radii[h − 1] around (cx, cy), each node
 * at its angle from the core's view (neighbourhoodView.ts) — warped, per ring, onto the arcs where a node
 * of radius `nodeR` clears every label box. The order and the even spacing along a ring are kept; only
 * the angles under a label are skipped, so a ring's label can sit on the picture without covering a node.
 */
export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** Samples per ring of the angles blocked by a box (half a degree each). */
const SAMPLES = 720;

export function ringLayout(
  hop: ArrayLike<number>,
  angle: ArrayLike<number>,
  centre: { cx: number; cy: number },
  radii: number[],
  nodeR: number,
  boxes: Box[],
): { x: Float32Array; y: Float32Array } {
  const { cx, cy } = centre;
  const n = hop.length;
  const x = new Float32Array(n).fill(cx);
  const y = new Float32Array(n).fill(cy);
  const clears = (px: number, py: number) =>
    boxes.every((b) => px + nodeR <= b.x0 || px - nodeR >= b.x1 || py + nodeR <= b.y0 || py - nodeR >= b.y1);
  // Angles are measured clockwise from the top (SVG: y grows downwards), so a ring starts under its label.
  const top = -Math.PI / 2;
  for (let h = 1; h <= radii.length; h++) {
    const r = radii[h - 1];
    const free: number[] = [];
    for (let j = 0; j < SAMPLES; j++) {
      const a = top + (2 * Math.PI * (j + 0.5)) / SAMPLES;
      if (clears(cx + r * Math.cos(a), cy + r * Math.sin(a))) free.push(a);
    }
    for (let k = 0; k < n; k++) {
      if (hop[k] !== h) continue;
      let a = angle[k];
      if (free.length > 0 && free.length < SAMPLES) {
        const u = ((((a - top) % (2 * Math.PI)) + 2 * Math.PI) % (2 * Math.PI)) / (2 * Math.PI);
        a = free[Math.min(free.length - 1, Math.floor(u * free.length))];
      }
      x[k] = cx + r * Math.cos(a);
      y[k] = cy + r * Math.sin(a);
    }
  }
  return { x, y };
}

/** A text's box when drawn with text-anchor middle at (x, baseline y), its width estimated from its length. */
export function textBox(text: string, x: number, y: number, font: number, pad = 2): Box {
  const w = textWidth(text, font);
  return { x0: x - w / 2 - pad, x1: x + w / 2 + pad, y0: y - font - pad, y1: y + 0.3 * font + pad };
}

/** Estimated width of a line of sans-serif text (0.6 em a character, a little over the average). */
export function textWidth(text: string, font: number): number {
  return 0.6 * font * text.length;
}
