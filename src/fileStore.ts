/**
 * Files the user loaded, kept in this browser's IndexedDB by content hash, so that a link to an
 * experiment on an uploaded file works again here; the link names the file (hash, size, name) so that
 * in another browser the page can say exactly which file to load.
 */
import { createStore, get, set, type UseStore } from 'idb-keyval';

/** What a link says about an uploaded file. */
export interface FileRef {
  /** SHA-256 of the content, hex. */
  hash: string;
  size: number;
  name: string;
}

const PREFIX = 'file:';

/** The experiment's `data` value for a file: "file:HASH:SIZE:NAME" (the name may hold colons). */
export function fileDataId(ref: FileRef): string {
  return `${PREFIX}${ref.hash}:${ref.size}:${ref.name}`;
}

/** Reads a `data` value back; null when it names a preset (or is malformed). */
export function parseFileDataId(data: string): FileRef | null {
  if (!data.startsWith(PREFIX)) return null;
  const [hash, size, ...name] = data.slice(PREFIX.length).split(':');
  const n = Number(size);
  if (!/^[0-9a-f]{64}$/.test(hash) || !Number.isInteger(n) || n < 0) return null;
  return { hash, size: n, name: name.join(':') || 'file' };
}

export async function hashFile(file: Blob): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', await file.arrayBuffer());
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

export function describeFile(ref: FileRef): string {
  return `“${ref.name}” (${ref.size.toLocaleString('en-US')} bytes, SHA-256 ${ref.hash.slice(0, 12)}…)`;
}

let store: UseStore | null | undefined;
function db(): UseStore | null {
  if (store === undefined) store = typeof indexedDB === 'undefined' ? null : createStore('unlearning-playground-files', 'files');
  return store;
}

/** Keeps the file under its hash. Throws when the browser refuses (quota, private mode). */
export async function keepFile(hash: string, file: File): Promise<void> {
  const s = db();
  if (!s) throw new Error('this browser has no IndexedDB');
  await set(hash, file, s);
}

/** The file kept under `hash`, or null (never kept here, or storage unavailable). */
export async function keptFile(hash: string): Promise<File | null> {
  const s = db();
  if (!s) return null;
  try {
    const f = await get<Blob>(hash, s);
    if (!f) return null;
    return f instanceof File ? f : new File([f], 'file');
  } catch {
    return null;
  }
}
