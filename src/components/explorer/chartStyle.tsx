import { useSyncExternalStore } from 'react';
import { useStore } from '../../store';

/** The explorer's chart text, in one place: at least 12 px on screen (a projector at the back of a room);
 *  18 px in class mode. */
export const AXIS_FONT = 13;
export const CLASS_FONT = 18;
export const tick = { fontSize: AXIS_FONT };
/** A y-axis title at the left edge of the axis box, clear of the tick numbers (give the axis room: width ≈ 70). */
export const yTitle = (value: string, fontSize = AXIS_FONT) => ({
  value,
  angle: -90,
  position: 'insideLeft' as const,
  offset: 0,
  dx: 8,
  style: { textAnchor: 'middle' as const, fontSize, fill: '#333' },
});
/** An x-axis title at the bottom of an axis box `height` ≈ 46 tall, under the tick numbers. */
export const xTitle = (value: string, fontSize = AXIS_FONT) => ({ value, position: 'insideBottom' as const, offset: 0, style: { fontSize, fill: '#333' } });
export const legendStyle = { fontSize: AXIS_FONT };
/** Legend text in dark grey: series colours such as sky blue or yellow are too light for text on white. */
export const legendText = (value: string) => <span style={{ color: '#333' }}>{value}</span>;

/** Whether the page is in class mode (a projector: larger text and marks, the lesson first). */
export function useClassMode(): boolean {
  return useStore((s) => s.experiment.class);
}

/** The chart text of the current mode: font size in CSS px, recharts' tick and legend styles, axis
 *  titles, how much wider axes and marks get (`scale`), and the least on-screen size of SVG text. */
export function useChartText() {
  const on = useClassMode();
  const font = on ? CLASS_FONT : AXIS_FONT;
  return {
    font,
    scale: font / AXIS_FONT,
    minPx: on ? CLASS_FONT : 12,
    tick: { fontSize: font },
    legendStyle: { fontSize: font },
    yTitle: (value: string) => yTitle(value, font),
    xTitle: (value: string) => xTitle(value, font),
  };
}

/** Whether the screen is phone-narrow (≤ 600 px): category labels then turn to fit under their bars. */
const NARROW = '(max-width: 600px)';
export function useNarrow(): boolean {
  return useSyncExternalStore(
    (on) => {
      const q = window.matchMedia(NARROW);
      q.addEventListener('change', on);
      return () => q.removeEventListener('change', on);
    },
    () => window.matchMedia(NARROW).matches,
    () => false,
  );
}
