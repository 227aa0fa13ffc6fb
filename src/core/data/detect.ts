import Papa from 'papaparse';
import { DataError } from './errors';
import type { DataFormat } from './raw';

export type Delimiter = '\t' | ',' | ';' | '|' | '::' | 'whitespace';

/** How to read the lines of one file: which separator, whether line 1 is a header, which
 *  column (0-based, −1 = absent) holds each field. */
export interface Layout {
  format: DataFormat;
  delimiter: Delimiter;
  hasHeader: boolean;
  names: string[];
  userCol: number;
  itemCol: number;
  ratingCol: number;
  timeCol: number;
}

/** Column choices that override detection: a header name or a 0-based index; null = ignore. */
export interface ColumnOptions {
  userColumn?: string | number;
  itemColumn?: string | number;
  ratingColumn?: string | number | null;
  timestampColumn?: string | number | null;
}

export interface SampleLine {
  no: number;
  text: string;
}

type Role = 'user' | 'item' | 'rating' | 'time';

// Normalised (lower case, alphanumerics only) column names, exact matches first, then prefixes.
const ROLE_NAMES: Record<Role, { exact: string[]; prefix: string[] }> = {
  user: {
    exact: ['user', 'userid', 'uid', 'u', 'users', 'customer', 'customerid', 'client', 'clientid', 'member',
      'memberid', 'reviewer', 'reviewerid', 'visitor', 'visitorid', 'viewer', 'viewerid', 'buyer',
      'buyerid', 'person', 'personid', 'account', 'accountid', 'player', 'playerid', 'learner', 'learnerid'],
    prefix: ['user', 'customer', 'client', 'member', 'reviewer', 'visitor'],
  },
  item: {
    exact: ['item', 'itemid', 'iid', 'i', 'items', 'movie', 'movieid', 'product', 'productid', 'asin', 'sku',
      'track', 'trackid', 'song', 'songid', 'artist', 'artistid', 'book', 'bookid', 'isbn', 'article',
      'articleid', 'business', 'businessid', 'recipe', 'recipeid', 'video', 'videoid', 'anime', 'animeid',
      'game', 'gameid', 'course', 'courseid', 'poi', 'poiid', 'venue', 'venueid', 'news', 'newsid',
      'restaurant', 'restaurantid', 'hotel', 'hotelid', 'app', 'appid'],
    prefix: ['item', 'product', 'movie'],
  },
  rating: {
    exact: ['rating', 'ratings', 'score', 'stars', 'star', 'rate', 'overall', 'preference', 'value', 'weight',
      'label', 'count', 'playcount', 'plays', 'clicks'],
    prefix: ['rating'],
  },
  time: {
    exact: ['timestamp', 'time', 'ts', 'date', 'datetime', 'unixreviewtime', 'unixtime', 'created',
      'createdat', 'timestampfloat'],
    prefix: ['timestamp'],
  },
};

const RECBOLE_FIELD = /^[^:]+:(token|float|token_seq|float_seq)$/i;

export function normaliseName(name: string): string {
  return unquote(name).replace(RECBOLE_SUFFIX, '').toLowerCase().replace(/[^a-z0-9]/g, '');
}
const RECBOLE_SUFFIX = /:(token|float|token_seq|float_seq)$/i;

export function unquote(s: string): string {
  const t = s.trim();
  return t.length >= 2 && t[0] === '"' && t[t.length - 1] === '"' ? t.slice(1, -1).replace(/""/g, '"').trim() : t;
}

function roleOf(name: string): Role | null {
  const n = normaliseName(name);
  for (const role of ['user', 'item', 'rating', 'time'] as Role[]) if (ROLE_NAMES[role].exact.includes(n)) return role;
  return null;
}

function findRole(names: string[], role: Role): number {
  const norm = names.map(normaliseName);
  const exact = norm.findIndex((n) => ROLE_NAMES[role].exact.includes(n));
  if (exact >= 0) return exact;
  return norm.findIndex((n) => ROLE_NAMES[role].prefix.some((p) => n.startsWith(p)));
}

export function splitLine(line: string, delimiter: Delimiter): string[] {
  if (delimiter === 'whitespace') return line.trim().split(/\s+/);
  if (line.includes('"') && delimiter !== '::') {
    const rows = Papa.parse<string[]>(line, { delimiter, header: false }).data;
    if (rows.length > 0) return rows[0];
  }
  return line.split(delimiter);
}

const isNumeric = (s: string): boolean => {
  const t = unquote(s);
  return t !== '' && Number.isFinite(Number(t));
};

/** Rejects input that is not a text table at all: binary data, HTML/XML, JSON. */
export function checkTextContent(file: string, lines: SampleLine[]): void {
  let chars = 0, odd = 0, firstOdd = 0;
  for (const { no, text } of lines) {
    if (text.includes('\0')) throw new DataError(file, no, 'binary content (NUL bytes): this is not a text file of interactions');
    for (let k = 0; k < text.length; k++) {
      const c = text.charCodeAt(k);
      // Control characters other than tab/CR, and U+FFFD (what a text decoder makes of invalid bytes).
      if ((c < 32 && c !== 9 && c !== 13) || c === 127 || c === 0xfffd) {
        odd++;
        if (!firstOdd) firstOdd = no;
      }
    }
    chars += text.length;
  }
  if (chars > 0 && odd / chars > 0.05) {
    throw new DataError(file, firstOdd, 'binary content (mostly non-printable characters): this is not a text file of interactions');
  }
  const first = lines.find((l) => l.text.trim() !== '');
  if (!first) return;
  const head = first.text.trim().toLowerCase();
  if (head.startsWith('<!doctype') || head.startsWith('<html') || head.startsWith('<?xml') || head.startsWith('<head')) {
    throw new DataError(file, first.no, 'this is an HTML/XML page, not an interaction file (did a download return an error page?)');
  }
  if (head.startsWith('{') || head.startsWith('[')) {
    throw new DataError(file, first.no, 'this looks like JSON; expected lines of "user item [rating] [timestamp]"');
  }
}

function delimiterOrder(fileName: string): Delimiter[] {
  const name = fileName.toLowerCase();
  const order: Delimiter[] = ['\t', ',', ';', '|'];
  let first: Delimiter | null = null;
  if (name.endsWith('.dat')) first = '::';
  else if (name.endsWith('.csv')) first = ',';
  else if (name.endsWith('.tsv') || name.endsWith('.inter') || name.endsWith('.data')) first = '\t';
  return first ? [first, ...order.filter((d) => d !== first)] : order;
}

/** Picks the separator that splits the most sample lines into ≥ 2 columns (file-name hint and
 *  tab, comma, ';', '|' first; spaces only as a fallback). */
function detectDelimiter(file: string, fileName: string, lines: SampleLine[]): Delimiter {
  const texts = lines.map((l) => l.text);
  if (texts[0].includes('::')) return '::';
  const multi = (d: Delimiter) => texts.filter((t) => splitLine(t, d).length >= 2).length;
  let best: Delimiter = '\t', bestCount = -1;
  for (const d of delimiterOrder(fileName)) {
    const c = multi(d);
    if (c > bestCount) [best, bestCount] = [d, c];
  }
  if (2 * bestCount >= texts.length) return best;
  const ws = multi('whitespace');
  if (ws > bestCount) return 'whitespace';
  if (bestCount > 0) return best;
  throw new DataError(
    file,
    lines[0].no,
    'only one column found: expected user and item ids separated by tab, comma, semicolon, "|", "::" or spaces',
  );
}

function resolveColumn(
  file: string,
  headerLine: number,
  names: string[],
  choice: string | number,
  what: string,
): number {
  if (typeof choice === 'number') {
    if (choice < 0 || choice >= names.length) throw new DataError(file, headerLine, `${what} column ${choice} does not exist (the file has ${names.length} columns)`);
    return choice;
  }
  const want = normaliseName(choice);
  const k = names.findIndex((n) => unquote(n) === choice || normaliseName(n) === want);
  if (k < 0) throw new DataError(file, headerLine, `${what} column "${choice}" not found in ${names.map((n) => `"${unquote(n)}"`).join(', ')}`);
  return k;
}

/** Decides separator, header and columns from the file name and the first lines (non-blank,
 *  non-comment). */
export function detectLayout(file: string, lines: SampleLine[], opts: ColumnOptions = {}): Layout {
  const delimiter = detectDelimiter(file, file, lines);
  const rows = lines.map((l) => splitLine(l.text, delimiter));
  const first = rows[0];
  const recbole = first.every((f) => RECBOLE_FIELD.test(unquote(f)));
  let hasHeader = recbole || first.some((f) => roleOf(f) !== null);
  if (!hasHeader && rows.length > 1) {
    // A line without any number above lines with numbers in the same columns is a header.
    const second = rows[1];
    hasHeader = first.every((f) => !isNumeric(f)) && second.some((f, k) => k < first.length && isNumeric(f));
  }
  const headerLine = lines[0].no;
  const ncol = Math.max(...rows.map((r) => r.length));
  const names = hasHeader ? first.map(unquote) : Array.from({ length: ncol }, (_, k) => `column ${k + 1}`);

  const pick = (choice: string | number | null | undefined, role: Role, fallback: number, what: string): number => {
    if (choice === null) return -1;
    if (choice !== undefined) return resolveColumn(file, headerLine, names, choice, what);
    return hasHeader ? findRole(names, role) : fallback;
  };
  const data = hasHeader ? rows.slice(1) : rows;
  const mostlyNumeric = (col: number): boolean =>
    data.length > 0 && data.filter((r) => col < r.length && isNumeric(r[col])).length >= 0.5 * data.length;

  const userCol = pick(opts.userColumn, 'user', 0, 'user');
  const itemCol = pick(opts.itemColumn, 'item', 1, 'item');
  const expected = (role: Role) => ROLE_NAMES[role].exact.filter((n) => n.length > 1).slice(0, 8).join(', ');
  const shown = names.map((n) => `"${n}"`).join(', ');
  if (userCol < 0) throw new DataError(file, headerLine, `no user column in header ${shown}; expected one of ${expected('user')}, user_id, userId …`);
  if (itemCol < 0) throw new DataError(file, headerLine, `no item column in header ${shown}; expected one of ${expected('item')}, item_id, movieId …`);
  if (userCol === itemCol) throw new DataError(file, headerLine, `user and item cannot be the same column (${names[userCol]})`);
  let ratingCol = pick(opts.ratingColumn, 'rating', ncol >= 3 ? 2 : -1, 'rating');
  let timeCol = pick(opts.timestampColumn, 'time', ncol >= 4 ? 3 : -1, 'timestamp');
  // Without a header, a third/fourth column is only a rating/timestamp if it holds numbers.
  if (!hasHeader && opts.ratingColumn === undefined && ratingCol >= 0 && !mostlyNumeric(ratingCol)) ratingCol = -1;
  if (!hasHeader && opts.timestampColumn === undefined && timeCol >= 0 && !mostlyNumeric(timeCol)) timeCol = -1;

  let format: DataFormat = hasHeader ? 'delimited-header' : 'delimited';
  if (recbole) format = 'recbole-inter';
  else if (delimiter === '::') format = 'movielens-dat';
  else if (hasHeader && delimiter === ',' && normaliseName(names[userCol]) === 'userid' && normaliseName(names[itemCol]) === 'movieid') format = 'movielens-csv';
  else if (!hasHeader && delimiter === '\t' && ncol === 4 && ratingCol === 2 && timeCol === 3) format = 'movielens-100k';

  return { format, delimiter, hasHeader, names, userCol, itemCol, ratingCol, timeCol };
}
