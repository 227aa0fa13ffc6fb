/// <reference lib="webworker" />
/**
 * The engine worker: a thin comlink facade over src/core. It owns every tensor and the loaded data;
 * the page only ever receives plain data and typed arrays.
 */
import * as Comlink from 'comlink';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { Engine } from './engine';
import type { EngineApi } from './protocol';

// The wasm binaries are bundled by Vite and served from the page's own origin: nothing loads from a CDN.
setWasmPaths({
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded,
});
tf.env().set('IS_TEST', false);
// Cross-origin isolated, tfjs-backend-wasm picks its threaded build, whose Emscripten pthread workers
// run a copy of the module factory made with `factory.toString()` in a blob; this worker is bundled
// without compression so that the copy keeps its `typeof _scriptDir` guard (vite.config.ts) — minified,
// every pthread died with "ReferenceError: e is not defined" (docs/method.md#backends).

const engine = new Engine();
const api: EngineApi = {
  init: (preferred) => engine.init(preferred),
  loadPreset: (name, url, opts, onProgress) => engine.loadPreset(name, url, opts, onProgress),
  loadFile: (file, opts, onProgress) => engine.loadFile(file, opts, onProgress),
  train: (cfg, onEvent) => engine.train(cfg, onEvent),
  cancel: () => engine.cancel(),
  embeddings: () => engine.embeddings().then((s) => Comlink.transfer(s, [s.E0.buffer, s.E.buffer])),
  methods: () => engine.methods(),
  users: () => engine.users(),
  userItems: (user) => engine.userItems(user),
  map: () => engine.map(),
  unlearn: (forget, methods, onProgress, onView, settings) => engine.unlearn(forget, methods, onProgress, onView, settings),
  lesson: (kind, forget, onProgress) => engine.lesson(kind, forget, onProgress),
  restore: (cfg) => engine.restore(cfg),
  transformerUnlearn: (forget, methods, epochs, onProgress) => engine.transformerUnlearn(forget, methods, epochs, onProgress),
  loseDevice: () => engine.loseDevice(),
  gpuCounts: () => engine.gpuCounts(),
};
Comlink.expose(api);
