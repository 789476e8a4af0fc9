// @distill/core/backend: choosing and starting the TensorFlow.js backend, and distill's wasm kernel fixes.
export * from './select-backend.js';
export * from './wasm-matmul-fix.js';
