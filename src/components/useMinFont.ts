import { useCallback, useEffect, useState } from 'react';

/**
 * For an SVG drawn in a fixed viewBox and scaled to its container: the font size, in viewBox units, that
 * shows as at least `px` CSS pixels on screen at the width the SVG is drawn now. Text in figures stays
 * legible on a projector and a phone alike; the layout reads the returned size to space its labels.
 * Pass `ref` to the <svg> (a callback ref, so an SVG that mounts later is measured too). The width comes
 * from a ResizeObserver (no forced layout), and the chart re-renders only when the font size changes.
 */
export function useMinFont(viewBoxWidth: number, px = 12) {
  const [el, setEl] = useState<SVGSVGElement | null>(null);
  const [font, setFont] = useState(px);
  const ref = useCallback((node: SVGSVGElement | null) => setEl(node), []);
  useEffect(() => {
    if (!el) return;
    const ro = new ResizeObserver((entries) => {
      const w = entries[entries.length - 1].contentRect.width;
      if (w > 0) setFont(Math.ceil(px * Math.max(1, viewBoxWidth / w) * 10) / 10);
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, [el, viewBoxWidth, px]);
  return { ref, font };
}
