import { describe, expect, it } from 'vitest';
import { ringLayout, textBox, type Box } from './ringLayout';
import { logScale } from './color';

describe('ringLayout', () => {
  // Three rings of 12, 20 and 30 nodes spread evenly from the top, as neighbourhoodView gives them.
  const counts = [12, 20, 30];
  const hop: number[] = [0];
  const angle: number[] = [0];
  counts.forEach((c, h) => {
    for (let k = 0; k < c; k++) {
      hop.push(h + 1);
      angle.push(-Math.PI / 2 + (2 * Math.PI * k) / c);
    }
  });
  const centre = { cx: 200, cy: 220 };
  const radii = [80, 140, 200];

  it('without boxes puts each node at its angle on its ring', () => {
    const { x, y } = ringLayout(hop, angle, centre, radii, 6, []);
    expect([x[0], y[0]]).toEqual([200, 220]);
    for (let k = 1; k < hop.length; k++) {
      expect(x[k]).toBeCloseTo(200 + radii[hop[k] - 1] * Math.cos(angle[k]), 3);
      expect(y[k]).toBeCloseTo(220 + radii[hop[k] - 1] * Math.sin(angle[k]), 3);
    }
  });

  it('keeps every node off the label boxes, on its ring, in its order', () => {
    // A label above each ring's top, as the spillover picture writes them.
    const boxes: Box[] = radii.map((r, h) => textBox(`hop ${h + 1} · a label of some length`, 200, 220 - r - 10, 16));
    const { x, y } = ringLayout(hop, angle, centre, radii, 6, boxes);
    for (let k = 1; k < hop.length; k++) {
      expect(Math.hypot(x[k] - 200, y[k] - 220)).toBeCloseTo(radii[hop[k] - 1], 3);
      for (const b of boxes) {
        const clear = x[k] + 6 <= b.x0 || x[k] - 6 >= b.x1 || y[k] + 6 <= b.y0 || y[k] - 6 >= b.y1;
        expect(clear, `node ${k} (ring ${hop[k]}) under a label`).toBe(true);
      }
    }
    // The unwarped layout does put nodes under the labels (the test would pass vacuously otherwise).
    const raw = ringLayout(hop, angle, centre, radii, 6, []);
    const covered = hop.some((_, k) => k > 0 && boxes.some((b) => raw.x[k] + 6 > b.x0 && raw.x[k] - 6 < b.x1 && raw.y[k] + 6 > b.y0 && raw.y[k] - 6 < b.y1));
    expect(covered).toBe(true);
    // Clockwise order from the top is kept on every ring.
    for (let h = 1; h <= 3; h++) {
      const ks = hop.map((v, k) => (v === h ? k : -1)).filter((k) => k >= 0);
      const clockwise = ks.map((k) => (Math.atan2(y[k] - 220, x[k] - 200) + Math.PI / 2 + 2 * Math.PI) % (2 * Math.PI));
      for (let i = 1; i < clockwise.length; i++) expect(clockwise[i]).toBeGreaterThan(clockwise[i - 1]);
    }
  });
});

describe('logScale', () => {
  // Per-node movements as on the small preset (u14): hop 1 ≈ 0.1 (one outlier), hop 2 ≈ 0.01, hop 3 ≈
  // 0.004. The scale's top comes from hop 1.
  const values = [...Array(30).fill(0.1), 0.15];

  it('shows hop 2 and hop 3 apart from no movement, with hop 1 at the bright end', () => {
    const s = logScale(values);
    expect(s.at(0)).toBe(0);
    expect(s.at(0.1)).toBe(1);
    // A linear scale would put hop 2 at 0.07 and hop 3 at 0.03 of the bar: as dark as no movement.
    expect(s.at(0.01)).toBeGreaterThan(0.4);
    expect(s.at(0.004)).toBeGreaterThan(0.2);
    expect(s.at(0.01) - s.at(0.004)).toBeGreaterThan(0.15);
    expect(s.colour(0.01)).not.toBe(s.colour(0));
  });

  it('spans two decades under its top, labelled with ticks inside it', () => {
    const s = logScale(values);
    expect(s.lo).toBeCloseTo(s.hi / 100, 12);
    expect(s.ticks).toEqual([0.001, 0.003, 0.01, 0.03, 0.1]);
    // A stray near-zero value neither stretches the scale nor moves its top.
    expect(logScale([...values, 1e-9]).lo).toBe(s.lo);
    expect(logScale([...values, 0]).hi).toBe(s.hi);
  });
});
