/**
 * "Any static host" for the e2e tests: serves the built dist/ under a sub-path, with or without the
 * isolation headers, and can be shut down mid-test (a real offline reload, not only an emulated one).
 * Plain files only — no rewrites, no headers beyond the content type and length — as a course's web
 * space or a project page would serve them.
 */
import { createServer, type Server } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.wasm': 'application/wasm',
  '.tsv': 'text/tab-separated-values',
  '.md': 'text/markdown',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

export interface StaticHost {
  /** The app's address, e.g. http://127.0.0.1:PORT/demo/ */
  url: string;
  /** Requests served so far, by path (what the page fetched from the network). */
  requests: string[];
  /** Bytes of the files served so far. */
  bytes: number;
  /** Next responses carry these extra headers (e.g. a host that starts sending COOP/COEP). */
  headers: Record<string, string>;
  /** Stops answering: every open connection is cut and new ones are refused. */
  close(): Promise<void>;
}

export async function serveStatic(opts: { dir?: string; base?: string; headers?: Record<string, string> } = {}): Promise<StaticHost> {
  const root = resolve(opts.dir ?? 'dist');
  const base = opts.base ?? '/';
  const host: StaticHost = { url: '', requests: [], bytes: 0, headers: { ...opts.headers }, close: async () => {} };
  const server: Server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    host.requests.push(path);
    if (path === base.replace(/\/$/, '')) {
      res.writeHead(301, { Location: base }).end();
      return;
    }
    if (!path.startsWith(base)) {
      res.writeHead(404).end('not found');
      return;
    }
    let file = normalize(join(root, path.slice(base.length)));
    if (!file.startsWith(root)) {
      res.writeHead(403).end();
      return;
    }
    try {
      if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
      const body = await readFile(file);
      res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Content-Length': body.length, ...host.headers });
      res.end(body);
      host.bytes += body.length;
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  host.url = `http://127.0.0.1:${port}${base}`;
  host.close = () =>
    new Promise<void>((ok) => {
      server.close(() => ok());
      server.closeAllConnections();
    });
  return host;
}
