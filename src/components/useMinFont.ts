import { useCallback, useEffect, useState } from 'react';

/**
 * For an SVG drawn in a fixed viewBox and scaled to its container: the font size, in viewBox units, that
 * shows as at least `px` CSS pixels on screen at the width the SVG is drawn now. Text in figures stays
 * legible on a projector and a phone alike; the layout reads the returned size to space its labels.
 * Pass `ref` to the <svg> (a callback ref, so an SVG that mounts later is measured too).
 */
export function useMinFont(viewBoxWidth: number, px = 12) {
  const [el, setEl] = useState<SVGSVGElement | null>(null);
  const [width, setWidth] = useState(viewBoxWidth);
  const ref = useCallback((node: SVGSVGElement | null) => setEl(node), []);
  useEffect(() => {
    if (!el) return;
    const measure = () => {
      const w = el.getBoundingClientRect().width;
      if (w > 0) setWidth(w);
    };
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, [el]);
  return { ref, font: Math.ceil(px * Math.max(1, viewBoxWidth / width) * 10) / 10 };
}
