/** The backends in the order they are tried, declared apart from backend.ts so the page can list them without loading tfjs. */
export const DEFAULT_BACKEND_ORDER: string[] = ['webgpu', 'wasm', 'webgl', 'cpu'];
