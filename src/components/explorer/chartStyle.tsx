/** The explorer's chart text, in one place: at least 12 px on screen (a projector at the back of a room). */
export const AXIS_FONT = 13;
export const tick = { fontSize: AXIS_FONT };
/** A y-axis title at the left edge of the axis box, clear of the tick numbers (give the axis room: width ≈ 70). */
export const yTitle = (value: string) => ({
  value,
  angle: -90,
  position: 'insideLeft' as const,
  offset: 0,
  dx: 8,
  style: { textAnchor: 'middle' as const, fontSize: AXIS_FONT, fill: '#333' },
});
/** An x-axis title at the bottom of an axis box `height` ≈ 46 tall, under the tick numbers. */
export const xTitle = (value: string) => ({ value, position: 'insideBottom' as const, offset: 0, style: { fontSize: AXIS_FONT, fill: '#333' } });
export const legendStyle = { fontSize: AXIS_FONT };
/** Legend text in dark grey: series colours such as sky blue or yellow are too light for text on white. */
export const legendText = (value: string) => <span style={{ color: '#333' }}>{value}</span>;
