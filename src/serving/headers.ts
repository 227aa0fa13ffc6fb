/**
 * Cross-origin isolation, declared once for everything that serves the page: the dev and preview
 * servers (vite.config.ts), the service worker (sw.ts) and the e2e static host. With both headers on
 * the document (and on its workers' scripts) the page is `crossOriginIsolated`: SharedArrayBuffer, and
 * so threads, are available. COEP `require-corp` rather than `credentialless`: every browser that
 * isolates knows it, and the page loads nothing from another origin.
 */
export const ISOLATION_HEADERS: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/** Whether a response carries the isolation headers itself (a server that sends them). */
export function hasIsolationHeaders(headers: Headers): boolean {
  return Object.entries(ISOLATION_HEADERS).every(([k, v]) => headers.get(k)?.toLowerCase() === v);
}

/**
 * The response with the isolation headers added (coi-serviceworker's approach): a host that cannot set
 * headers still gets an isolated page once the service worker serves it. Opaque responses (status 0)
 * cannot be rebuilt and pass as they are; the page loads none.
 */
export function withIsolationHeaders(response: Response): Response {
  if (response.status === 0 || hasIsolationHeaders(response.headers)) return response;
  const headers = new Headers(response.headers);
  for (const [k, v] of Object.entries(ISOLATION_HEADERS)) headers.set(k, v);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}
