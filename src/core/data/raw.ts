/** Interactions as read from a file, before filtering and re-indexing. Ids are interned in
 *  order of first appearance: row k is (userIds[users[k]], itemIds[items[k]]). */
export interface RawInteractions {
  /** File or preset name, used in error messages. */
  file: string;
  userIds: string[];
  itemIds: string[];
  users: Int32Array;
  items: Int32Array;
  /** NaN where the rating was missing or not a number; null when the file has no rating column. */
  ratings: Float32Array | null;
  /** Seconds (or whatever the file uses); NaN where unreadable; null when absent. */
  timestamps: Float64Array | null;
  stats: ParseStats;
}

export type DataFormat =
  | 'movielens-100k'
  | 'movielens-dat'
  | 'movielens-csv'
  | 'recbole-inter'
  | 'delimited-header'
  | 'delimited'
  | 'synthetic';

/** How each format is named to a person: the file layout, not a data set ("movielens-100k" read like
 *  the data set when the small synthetic preset was loaded). */
export const FORMAT_NAMES: Record<DataFormat, string> = {
  'movielens-100k': 'the MovieLens u.data format (user, item, rating, time)',
  'movielens-dat': 'the MovieLens ratings.dat format (:: separated)',
  'movielens-csv': 'the MovieLens ratings.csv format',
  'recbole-inter': 'the RecBole .inter format',
  'delimited-header': 'a delimited table with a header',
  delimited: 'a delimited table without a header',
  synthetic: 'generated data',
};

export interface LineNote {
  line: number;
  reason: string;
}

export interface ParseStats {
  format: DataFormat;
  /** '\t', ',', ';', '|', '::', 'whitespace' or '' for generated data. */
  delimiter: string;
  hasHeader: boolean;
  /** Column names (from the header, or "column 1", …) of the fields used. */
  columns: { user: string; item: string; rating: string | null; timestamp: string | null };
  /** Every line of the file, including header, blank and comment lines. */
  linesRead: number;
  /** Rows kept (one per interaction line). */
  rows: number;
  /** Malformed lines skipped, with the first one. */
  skipped: number;
  firstSkipped: LineNote | null;
  /** Rows whose rating is missing or not a number: kept with NaN when no threshold was given
   *  to the parser (the pipeline decides), dropped otherwise. */
  badRatings: number;
  firstBadRating: LineNote | null;
  /** Threshold applied while reading (null = none) and the rows it dropped. */
  threshold: number | null;
  belowThreshold: number;
}

/** An Int32/Float32/Float64 array that doubles its capacity as it grows. */
class Growable<T extends Int32Array | Float32Array | Float64Array> {
  private data: T;
  length = 0;
  constructor(private readonly make: (n: number) => T) {
    this.data = make(1024);
  }
  push(v: number): void {
    if (this.length === this.data.length) {
      const bigger = this.make(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = v;
  }
  toArray(): T {
    return this.data.slice(0, this.length) as T;
  }
}

/** Accumulates rows with interned ids; memory is linear in rows (4–20 bytes each) plus distinct ids. */
export class InteractionTableBuilder {
  private readonly userIndex = new Map<string, number>();
  private readonly itemIndex = new Map<string, number>();
  private readonly userIds: string[] = [];
  private readonly itemIds: string[] = [];
  private readonly users = new Growable((n) => new Int32Array(n));
  private readonly items = new Growable((n) => new Int32Array(n));
  private readonly ratings: Growable<Float32Array> | null;
  private readonly timestamps: Growable<Float64Array> | null;

  constructor(hasRatings: boolean, hasTimestamps: boolean) {
    this.ratings = hasRatings ? new Growable((n) => new Float32Array(n)) : null;
    this.timestamps = hasTimestamps ? new Growable((n) => new Float64Array(n)) : null;
  }

  get rows(): number {
    return this.users.length;
  }

  add(user: string, item: string, rating = NaN, timestamp = NaN): void {
    this.users.push(intern(this.userIndex, this.userIds, user));
    this.items.push(intern(this.itemIndex, this.itemIds, item));
    this.ratings?.push(rating);
    this.timestamps?.push(timestamp);
  }

  build(file: string, stats: ParseStats): RawInteractions {
    return {
      file,
      userIds: this.userIds,
      itemIds: this.itemIds,
      users: this.users.toArray(),
      items: this.items.toArray(),
      ratings: this.ratings ? this.ratings.toArray() : null,
      timestamps: this.timestamps ? this.timestamps.toArray() : null,
      stats: { ...stats, rows: this.users.length },
    };
  }
}

function intern(index: Map<string, number>, ids: string[], id: string): number {
  let k = index.get(id);
  if (k === undefined) {
    k = ids.length;
    index.set(id, k);
    ids.push(id);
  }
  return k;
}
