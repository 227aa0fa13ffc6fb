/** Okabe–Ito colours: distinguishable with the common colour-vision deficiencies (black is the proximal
 *  reference's in every chart), and Paul Tol's wine, indigo, olive and rose for the tenth to twelfth
 *  methods (the exact sharded ones are also told apart by their marker, not by colour alone). */
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
  indigo: '#332288',
  olive: '#999933',
  rose: '#CC6677',
} as const;
