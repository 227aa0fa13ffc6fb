import { describe, expect, it } from 'vitest';
import { ISOLATION_HEADERS, hasIsolationHeaders, withIsolationHeaders } from './headers';

describe('isolation headers (the service worker adds them where the host does not)', () => {
  it('adds COOP/COEP and keeps the status, the body and every other header', async () => {
    const plain = new Response('<!doctype html>', { status: 200, statusText: 'OK', headers: { 'Content-Type': 'text/html', 'X-Keep': '1' } });
    expect(hasIsolationHeaders(plain.headers)).toBe(false);
    const out = withIsolationHeaders(plain);
    expect(out.headers.get('Cross-Origin-Opener-Policy')).toBe('same-origin');
    expect(out.headers.get('Cross-Origin-Embedder-Policy')).toBe('require-corp');
    expect(hasIsolationHeaders(out.headers)).toBe(true);
    expect([out.status, out.statusText, out.headers.get('content-type'), out.headers.get('x-keep')]).toEqual([200, 'OK', 'text/html', '1']);
    expect(await out.text()).toBe('<!doctype html>');
    // A 404 stays a 404.
    expect(withIsolationHeaders(new Response('no', { status: 404 })).status).toBe(404);
  });

  it('one header alone is not isolation; a response that has both passes as it is', () => {
    expect(hasIsolationHeaders(new Headers({ 'Cross-Origin-Opener-Policy': 'same-origin' }))).toBe(false);
    expect(hasIsolationHeaders(new Headers({ ...ISOLATION_HEADERS, 'Cross-Origin-Embedder-Policy': 'unsafe-none' }))).toBe(false);
    const isolated = new Response('x', { headers: { ...ISOLATION_HEADERS } });
    expect(withIsolationHeaders(isolated)).toBe(isolated);
    // Header names and values are matched without regard to case, as servers write them.
    expect(hasIsolationHeaders(new Headers({ 'cross-origin-opener-policy': 'Same-Origin', 'cross-origin-embedder-policy': 'REQUIRE-CORP' }))).toBe(true);
  });

  it('an opaque response (status 0) cannot be rebuilt and passes as it is', () => {
    const opaque = Response.error();
    expect(opaque.status).toBe(0);
    expect(withIsolationHeaders(opaque)).toBe(opaque);
  });
});
