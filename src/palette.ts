/** The core declares the colours (methods carry theirs); the UI reads them from here. */
export { PALETTE } from './core/palette';
