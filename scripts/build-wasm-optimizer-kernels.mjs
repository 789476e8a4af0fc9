#!/usr/bin/env node
// Generates core/src/backend/wasm-kernels/optimizer-updates-module.ts: a small WebAssembly module (SIMD) with one
// function per optimizer update, which imports tfjs-backend-wasm's own memory and so reads and writes tensors where
// they are. Each function takes byte offsets of the inputs and outputs on that heap, the element count and the
// float32 scalars, and computes every element with the same float32 operations, in the same order, as the tfjs
// optimizer's kernels do (no fused multiply-add), so the results are bitwise those of tf.train.*.
// Run by `npm run build`; the generated file is committed (`--check` says whether it is fresh; a test runs that).
import { writeFileSync, readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import initWabt from 'wabt';

const OUT = fileURLToPath(new URL('../core/src/backend/wasm-kernels/optimizer-updates-module.ts', import.meta.url));

// Each update: pointer parameters (inputs then outputs), f32 scalar parameters, temporaries, and a body in WAT's
// folded form with T. for the element type's instructions, (L p) for "load the element of p", (K s) for a scalar
// and (S p e) to store e as the element of p. The body is emitted twice: for 4 lanes (f32x4) and for the tail (f32).
const UPDATES = {
  // tf.train.adam: m' = m·β1 + g·(1−β1); v' = v·β2 + g²·(1−β2); w' = (m'/(1−β1ᵗ)) / (√(v'/(1−β2ᵗ)) + ε) · (−lr) + w
  adam: {
    pointers: ['w', 'g', 'm', 'v', 'wOut', 'mOut', 'vOut'],
    scalars: ['beta1', 'oneMinusBeta1', 'beta2', 'oneMinusBeta2', 'oneMinusAccBeta1', 'oneMinusAccBeta2', 'epsilon', 'negLearningRate'],
    temps: ['gx', 'm1', 'v1'],
    body: `
      (local.set $gx (L g))
      (local.set $m1 (T.add (T.mul (L m) (K beta1)) (T.mul (local.get $gx) (K oneMinusBeta1))))
      (local.set $v1 (T.add (T.mul (L v) (K beta2)) (T.mul (T.mul (local.get $gx) (local.get $gx)) (K oneMinusBeta2))))
      (S mOut (local.get $m1))
      (S vOut (local.get $v1))
      (S wOut (T.add
        (T.mul
          (T.div (T.div (local.get $m1) (K oneMinusAccBeta1))
                 (T.add (T.sqrt (T.div (local.get $v1) (K oneMinusAccBeta2))) (K epsilon)))
          (K negLearningRate))
        (L w)))`,
  },
  // tf.train.momentum: a' = μ·a + g; w' = (−lr)·a' + w, or with Nesterov w' = (−lr)·(g + a'·μ) + w
  momentum: {
    pointers: ['w', 'g', 'a', 'wOut', 'aOut'],
    scalars: ['momentum', 'negLearningRate'],
    temps: ['gx', 'a1'],
    body: `
      (local.set $gx (L g))
      (local.set $a1 (T.add (T.mul (K momentum) (L a)) (local.get $gx)))
      (S aOut (local.get $a1))
      (S wOut (T.add (T.mul (K negLearningRate) (local.get $a1)) (L w)))`,
  },
  nesterov: {
    pointers: ['w', 'g', 'a', 'wOut', 'aOut'],
    scalars: ['momentum', 'negLearningRate'],
    temps: ['gx', 'a1'],
    body: `
      (local.set $gx (L g))
      (local.set $a1 (T.add (T.mul (K momentum) (L a)) (local.get $gx)))
      (S aOut (local.get $a1))
      (S wOut (T.add (T.mul (K negLearningRate) (T.add (local.get $gx) (T.mul (local.get $a1) (K momentum)))) (L w)))`,
  },
  // tf.train.rmsprop: s' = s·ρ + g²·(1−ρ); p' = p·μ + (g·lr)/√(s' + ε); w' = w − p'
  rmsprop: {
    pointers: ['w', 'g', 's', 'p', 'wOut', 'sOut', 'pOut'],
    scalars: ['decay', 'oneMinusDecay', 'momentum', 'learningRate', 'epsilon'],
    temps: ['gx', 's1', 'p1'],
    body: `
      (local.set $gx (L g))
      (local.set $s1 (T.add (T.mul (L s) (K decay)) (T.mul (T.mul (local.get $gx) (local.get $gx)) (K oneMinusDecay))))
      (local.set $p1 (T.add (T.mul (L p) (K momentum))
                            (T.div (T.mul (local.get $gx) (K learningRate)) (T.sqrt (T.add (local.get $s1) (K epsilon))))))
      (S sOut (local.get $s1))
      (S pOut (local.get $p1))
      (S wOut (T.sub (L w) (local.get $p1)))`,
  },
  // centered: mg' = mg·ρ + g·(1−ρ); p' = p·μ + (g·lr)/√(s' − (mg'² + ε)); w' = w − p'
  rmspropCentered: {
    pointers: ['w', 'g', 's', 'p', 'mg', 'wOut', 'sOut', 'pOut', 'mgOut'],
    scalars: ['decay', 'oneMinusDecay', 'momentum', 'learningRate', 'epsilon'],
    temps: ['gx', 's1', 'p1', 'mg1'],
    body: `
      (local.set $gx (L g))
      (local.set $s1 (T.add (T.mul (L s) (K decay)) (T.mul (T.mul (local.get $gx) (local.get $gx)) (K oneMinusDecay))))
      (local.set $mg1 (T.add (T.mul (L mg) (K decay)) (T.mul (local.get $gx) (K oneMinusDecay))))
      (local.set $p1 (T.add (T.mul (L p) (K momentum))
                            (T.div (T.mul (local.get $gx) (K learningRate))
                                   (T.sqrt (T.sub (local.get $s1) (T.add (T.mul (local.get $mg1) (local.get $mg1)) (K epsilon)))))))
      (S sOut (local.get $s1))
      (S mgOut (local.get $mg1))
      (S pOut (local.get $p1))
      (S wOut (T.sub (L w) (local.get $p1)))`,
  },
};

function expand(body, lanes) {
  const t = lanes ? 'f32x4' : 'f32';
  const at = (p) => `(i32.add (local.get $${p}) (local.get $at))`;
  return body
    .replace(/\(L (\w+)\)/g, (_, p) => `(${lanes ? 'v128' : 'f32'}.load ${at(p)})`)
    .replace(/\(K (\w+)\)/g, (_, s) => `(local.get $${s}${lanes ? '_x4' : ''})`)
    .replace(/\(S (\w+) /g, (_, p) => `(${lanes ? 'v128' : 'f32'}.store ${at(p)} `)
    .replace(/\$(gx|m1|v1|a1|s1|p1|mg1)\b/g, (name) => (lanes ? `${name}_x4` : name))
    .replace(/T\./g, `${t}.`);
}

function func(name, { pointers, scalars, temps, body }) {
  const params = [...pointers.map((p) => `(param $${p} i32)`), '(param $n i32)', ...scalars.map((s) => `(param $${s} f32)`)];
  const locals = [
    '(local $at i32) (local $vectorEnd i32) (local $end i32)',
    ...scalars.map((s) => `(local $${s}_x4 v128)`),
    ...temps.map((t) => `(local $${t} f32) (local $${t}_x4 v128)`),
  ];
  return `
  (func (export "${name}") ${params.join(' ')}
    ${locals.join('\n    ')}
    ${scalars.map((s) => `(local.set $${s}_x4 (f32x4.splat (local.get $${s})))`).join('\n    ')}
    (local.set $vectorEnd (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2)))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (local.set $at (i32.const 0))
    (block $vectorDone (loop $vector
      (br_if $vectorDone (i32.ge_u (local.get $at) (local.get $vectorEnd)))
      ${expand(body, true).trim()}
      (local.set $at (i32.add (local.get $at) (i32.const 16)))
      (br $vector)))
    (block $tailDone (loop $tail
      (br_if $tailDone (i32.ge_u (local.get $at) (local.get $end)))
      ${expand(body, false).trim()}
      (local.set $at (i32.add (local.get $at) (i32.const 4)))
      (br $tail))))`;
}

export const WAT = `(module
  (import "env" "memory" (memory 1))${Object.entries(UPDATES).map(([name, update]) => func(name, update)).join('\n')}
)
`;

const wabt = await initWabt();
const parsed = wabt.parseWat('optimizer-updates.wat', WAT, { simd: true });
parsed.validate();
const { buffer } = parsed.toBinary({});
parsed.destroy();

const source = `// Generated by scripts/build-wasm-optimizer-kernels.mjs (npm run build): do not edit. The WebAssembly module of the
// fused optimizer updates, SIMD, importing tfjs-backend-wasm's memory as env.memory; its text is in that script.
export const OPTIMIZER_UPDATES_WASM = '${Buffer.from(buffer).toString('base64')}';
`;
const fresh = existsSync(OUT) && readFileSync(OUT, 'utf8') === source;
if (process.argv.includes('--check')) {
  // A test runs this: the committed module must be what the WAT above compiles to.
  if (!fresh) {
    console.error(`${OUT} is stale: run npm run build`);
    process.exit(1);
  }
} else if (!fresh) writeFileSync(OUT, source);
if (process.argv.includes('--print-wat')) process.stdout.write(WAT);
