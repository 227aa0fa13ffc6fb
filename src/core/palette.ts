/** Okabe–Ito colours: distinguishable with the common colour-vision deficiencies (black is the proximal
 *  reference's in every chart), and Paul Tol's wine for a ninth method. */
export const PALETTE = {
  blue: '#0072B2',
  orange: '#E69F00',
  green: '#009E73',
  vermillion: '#D55E00',
  purple: '#CC79A7',
  sky: '#56B4E9',
  yellow: '#F0E442',
  grey: '#666666',
  wine: '#882255',
} as const;
