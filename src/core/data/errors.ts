/** A problem with an input file that the user can act on. `line` is 1-based, or 0 when the
 *  problem is about the file as a whole. */
export class DataError extends Error {
  readonly file: string;
  readonly line: number;
  readonly reason: string;

  constructor(file: string, line: number, reason: string) {
    super(line > 0 ? `${file}: line ${line}: ${reason}` : `${file}: ${reason}`);
    this.name = 'DataError';
    this.file = file;
    this.line = line;
    this.reason = reason;
  }
}
