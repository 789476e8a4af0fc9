// @distill/core/backend: choosing and starting the TensorFlow.js backend, and distill's wasm kernel fixes.
export * from './select-backend.js';
export * from './wasm-matmul-fix.js';
export { FUSED_ADAM, FUSED_MOMENTUM, FUSED_RMSPROP, fusedOptimizerUpdate, setFusedOptimizerUpdates, type FusedAdamAttrs, type FusedMomentumAttrs, type FusedRMSPropAttrs } from './wasm-kernels/optimizer-updates.js';
