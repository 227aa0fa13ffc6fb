import { DataError } from './errors';
import { checkTextContent, detectLayout, splitLine, unquote, type ColumnOptions, type Layout, type SampleLine } from './detect';
import { InteractionTableBuilder, type LineNote, type ParseStats, type RawInteractions } from './raw';

export interface ParseOptions extends ColumnOptions {
  /** Keep only rows with rating ≥ threshold, dropped while reading to save memory. Rows whose
   *  rating is not a number are then skipped and counted; the file fails when most are bad. */
  threshold?: number;
  /** Fail when more than this fraction of data lines is malformed (default 0.5); fewer are
   *  skipped, counted and reported with the first one. */
  maxBadFraction?: number;
}

/** Streaming parser: push text chunks in order (lines may straddle chunks), then finish(). */
export interface InteractionParser {
  push(chunk: string): void;
  finish(): RawInteractions;
  /** Complete lines seen so far. */
  readonly linesRead: number;
}

/** Lines buffered to detect the layout before any row is read. */
const SAMPLE_LINES = 64;
const MAX_LINE = 1 << 20;
/** The malformed-line ratio is also checked once here, so a wrong file fails before it is all read. */
const EARLY_CHECK_LINES = 1000;

export function createInteractionParser(fileName: string, opts: ParseOptions = {}): InteractionParser {
  const maxBad = opts.maxBadFraction ?? 0.5;
  let pending = '';
  let lineNo = 0;
  let sample: SampleLine[] | null = [];
  let layout: Layout | null = null;
  let table: InteractionTableBuilder | null = null;
  let minCols = 2;
  const threshold = opts.threshold ?? null;
  let dataLines = 0, skipped = 0, badRatings = 0, belowThreshold = 0, nonBlank = 0;
  let firstSkipped: LineNote | null = null;
  let firstBadRating: LineNote | null = null;
  let headerLine = 0;
  let finished = false;

  const fail = (line: number, reason: string): never => {
    throw new DataError(fileName, line, reason);
  };

  const checkBadFraction = (): void => {
    if (firstSkipped && skipped > maxBad * dataLines) {
      fail(firstSkipped.line, `${skipped} of ${dataLines} data lines are malformed (first: ${firstSkipped.reason})`);
    }
    if (threshold !== null && firstBadRating && badRatings > maxBad * (dataLines - skipped)) {
      fail(firstBadRating.line, `${badRatings} of ${dataLines - skipped} ratings are not numbers (first: ${firstBadRating.reason})`);
    }
  };

  const skip = (no: number, reason: string): void => {
    skipped++;
    if (!firstSkipped) firstSkipped = { line: no, reason };
  };

  const readRow = (no: number, text: string): void => {
    const L = layout!;
    if (L.hasHeader && no === headerLine) return;
    dataLines++;
    const f = splitLine(text, L.delimiter);
    if (f.length < minCols) {
      skip(no, `expected at least ${minCols} columns separated by ${describe(L.delimiter)}, found ${f.length}`);
    } else {
      const user = unquote(f[L.userCol]);
      const item = unquote(f[L.itemCol]);
      if (user === '') skip(no, 'empty user id');
      else if (item === '') skip(no, 'empty item id');
      else {
        let rating = NaN;
        if (L.ratingCol >= 0) {
          const r = L.ratingCol < f.length ? unquote(f[L.ratingCol]) : '';
          rating = r === '' ? NaN : Number(r);
          if (!Number.isFinite(rating)) {
            rating = NaN;
            badRatings++;
            if (!firstBadRating) firstBadRating = { line: no, reason: r === '' ? 'missing rating' : `rating "${r}" is not a number` };
          }
        }
        if (threshold !== null && !(rating >= threshold)) {
          if (!Number.isNaN(rating)) belowThreshold++;
        } else {
          let time = NaN;
          if (L.timeCol >= 0 && L.timeCol < f.length) time = parseTime(unquote(f[L.timeCol]));
          table!.add(user, item, rating, time);
        }
      }
    }
    if (dataLines === EARLY_CHECK_LINES) checkBadFraction();
  };

  const startRows = (): void => {
    const lines = sample!;
    sample = null;
    checkTextContent(fileName, lines);
    const content = lines.filter((l) => !isBlankOrComment(l.text));
    if (content.length === 0) return;
    layout = detectLayout(fileName, content, opts);
    if (threshold !== null && layout.ratingCol < 0) {
      fail(layout.hasHeader ? content[0].no : 0, `a rating threshold (≥ ${threshold}) was set but the file has no rating column`);
    }
    headerLine = layout.hasHeader ? content[0].no : 0;
    minCols = Math.max(layout.userCol, layout.itemCol) + 1;
    table = new InteractionTableBuilder(layout.ratingCol >= 0, layout.timeCol >= 0);
    for (const l of content) readRow(l.no, l.text);
  };

  const onLine = (raw: string): void => {
    lineNo++;
    if (raw.length > MAX_LINE) fail(lineNo, `line longer than ${MAX_LINE} characters: not an interaction file`);
    let text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (lineNo === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    if (sample) {
      sample.push({ no: lineNo, text });
      if (!isBlankOrComment(text) && ++nonBlank >= SAMPLE_LINES) startRows();
    } else if (layout && !isBlankOrComment(text)) {
      readRow(lineNo, text);
    }
  };

  return {
    get linesRead() {
      return lineNo;
    },
    push(chunk: string): void {
      if (finished) throw new Error('push() after finish()');
      let start = 0;
      let nl = chunk.indexOf('\n');
      if (nl < 0) {
        pending += chunk;
        if (pending.length > MAX_LINE) fail(lineNo + 1, `line longer than ${MAX_LINE} characters: not an interaction file`);
        return;
      }
      onLine(pending + chunk.slice(0, nl));
      pending = '';
      start = nl + 1;
      while ((nl = chunk.indexOf('\n', start)) >= 0) {
        onLine(chunk.slice(start, nl));
        start = nl + 1;
      }
      pending = chunk.slice(start);
    },
    finish(): RawInteractions {
      if (finished) throw new Error('finish() called twice');
      finished = true;
      if (pending !== '') onLine(pending);
      pending = '';
      if (sample) startRows();
      if (!layout || !table) return fail(0, 'the file is empty');
      checkBadFraction();
      if (table.rows === 0) {
        if (firstSkipped) fail(firstSkipped.line, `no line could be read (${firstSkipped.reason})`);
        if (belowThreshold > 0) fail(0, `no rating reaches the threshold ${threshold}`);
        fail(headerLine, 'only a header line, no interactions');
      }
      const L = layout;
      const stats: ParseStats = {
        format: L.format,
        delimiter: L.delimiter,
        hasHeader: L.hasHeader,
        columns: {
          user: L.names[L.userCol],
          item: L.names[L.itemCol],
          rating: L.ratingCol >= 0 ? L.names[L.ratingCol] : null,
          timestamp: L.timeCol >= 0 ? L.names[L.timeCol] : null,
        },
        linesRead: lineNo,
        rows: table.rows,
        skipped,
        firstSkipped,
        badRatings,
        firstBadRating,
        threshold,
        belowThreshold,
      };
      const raw = table.build(fileName, stats);
      table = null; // the builder's grown buffers are garbage now, even if the parser is kept
      return raw;
    },
  };
}

/** One-shot convenience over createInteractionParser. */
export function parseInteractions(text: string, fileName: string, opts: ParseOptions = {}): RawInteractions {
  const p = createInteractionParser(fileName, opts);
  p.push(text);
  return p.finish();
}

function isBlankOrComment(text: string): boolean {
  const t = text.trim();
  return t === '' || t[0] === '#' || t[0] === '%';
}

function parseTime(s: string): number {
  if (s === '') return NaN;
  const x = Number(s);
  if (Number.isFinite(x)) return x;
  const ms = Date.parse(s);
  return Number.isFinite(ms) ? ms / 1000 : NaN;
}

function describe(d: Layout['delimiter']): string {
  return d === '\t' ? 'tabs' : d === 'whitespace' ? 'spaces' : `"${d}"`;
}
