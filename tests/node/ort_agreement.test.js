#!/usr/bin/env node
// Cross-check: the engine's float path against ONNX Runtime (and optionally LibTorch) on the
// default and the large random TCN. For each model: csm_tool makes it and exports ONNX, the
// ONNX checker (python3-onnx, full_check) accepts it, 32 random windows go through
// `csm_tool run-float`, tests/node/run_onnx.js (ORT) and `torch_compare run`, and the
// max abs difference of logits and probabilities must stay within --tol (default 1e-4).
//
// With the ort backend it also checks the ORT int8 baseline (bench/engine): each model, and the
// shipped one when --shipped is given, exported as QDQ (csm_tool to-onnx --qdq: the int8 model's
// own scales) and run by ORT's int8 kernels must agree with the engine's int8 reference run
// (csm_tool run-int8) within quantisation tolerance: max |Δlogits| <= 3 steps of the logits'
// scale, mean <= 0.5 step, the same top class in >= 90 % of the windows.
// The xnnpack backend (int8 only) holds XNNPACK's QS8/QC8 operators, the int8 peer of
// bench/engine (bench/compare/xnnpack_compare run), to the same checks with max <= 2 steps.
//
// usage: node tests/node/ort_agreement.test.js --csm-tool PATH --work DIR
//            [--backends ort,torch,xnnpack] [--torch PATH] [--xnnpack PATH]
//            [--python /usr/bin/python3] [--count 32] [--shipped models/default.csm]
// Registered with ctest by tests/unit/onnx/CMakeLists.txt. Exit status non-zero on failure;
// without onnxruntime-node it prints "SKIPPED: …" and exits 0, or fails when CI is set.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { readNpy, writeNpy } = require(path.join(__dirname, 'npy.js'));

function parseArgs(argv) {
  const o = { backends: 'ort', python: '/usr/bin/python3', count: 32, tol: 1e-4 };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '').replace(/-([a-z])/g, (_, c) => c.toUpperCase());
    if (argv[i + 1] === undefined) throw new Error(`${argv[i]} needs a value`);
    o[key] = argv[i + 1];
  }
  if (!o.csmTool || !o.work) throw new Error('--csm-tool and --work are required');
  o.backends = o.backends.split(',').filter((b) => b.length > 0);
  for (const b of o.backends) {
    if (!['ort', 'torch', 'xnnpack'].includes(b)) throw new Error(`unknown backend '${b}' (ort, torch, xnnpack)`);
  }
  if (o.backends.includes('torch') && !o.torch) throw new Error('--backends torch needs --torch PATH');
  if (o.backends.includes('xnnpack') && !o.xnnpack) {
    throw new Error('--backends xnnpack needs --xnnpack PATH');
  }
  o.count = Number(o.count);
  o.tol = Number(o.tol);
  return o;
}

const opts = parseArgs(process.argv.slice(2));

// A missing ONNX Runtime is reported, never a silently smaller suite: "SKIPPED: …" (the
// ctest SKIP_REGULAR_EXPRESSION of tests/unit/onnx/CMakeLists.txt), or a failure when the
// environment variable CI is set, as CI must run this test.
if (opts.backends.includes('ort')) {
  try {
    require.resolve('onnxruntime-node');
  } catch {
    const what = 'onnxruntime-node not installed';
    if (process.env.CI) {
      console.error(`ort_agreement: ${what}, and CI must run this test (run scripts/bootstrap)`);
      process.exit(1);
    }
    console.log(`SKIPPED: ort_agreement: ${what} (run scripts/bootstrap)`);
    process.exit(0);
  }
}
fs.mkdirSync(opts.work, { recursive: true });
const run = (cmd, args) => execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });

// Seeded normal samples (mulberry32 + Box-Muller): the same inputs on every run.
function makeRandom(seed) {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

// Raw-unit inputs around the model's own normalisation, so normalised values are ~N(0, 1.5²).
function writeInputs(info, file, seed) {
  const normal = makeRandom(seed);
  const data = new Float32Array(opts.count * info.window * info.channels);
  for (let i = 0; i < data.length; ++i) {
    const c = i % info.channels;
    data[i] = info.mean[c] + info.std[c] * 1.5 * normal();
  }
  writeNpy(file, [opts.count, info.window, info.channels], data);
}

function maxAbsDiff(a, b) {
  assert.deepEqual(a.shape, b.shape, 'output shapes differ');
  let m = 0;
  for (let i = 0; i < a.data.length; ++i) m = Math.max(m, Math.abs(a.data[i] - b.data[i]));
  return m;
}

const floatBackends = opts.backends.filter((b) => b === 'ort' || b === 'torch');
for (const variant of [{ name: 'default', flags: [] }, { name: 'large', flags: ['--large'] }]) {
  if (floatBackends.length === 0) break;
  test(`${variant.name} model: engine float vs ${floatBackends.join(' + ')}`, () => {
    const base = path.join(opts.work, variant.name);
    const csm = `${base}.csm`;
    const onnx = `${base}.onnx`;
    run(opts.csmTool, ['make-default', csm, ...variant.flags, '--seed', '7']);
    run(opts.csmTool, ['to-onnx', csm, onnx]);
    const info = JSON.parse(run(opts.csmTool, ['info', csm]));
    run(opts.python, ['-c', 'import onnx,sys; onnx.checker.check_model(onnx.load(sys.argv[1]), full_check=True)', onnx]);

    writeInputs(info, `${base}_in.npy`, 1234);
    run(opts.csmTool, ['run-float', csm, `${base}_in.npy`, `${base}_eng_probs.npy`, `${base}_eng_logits.npy`]);
    const engProbs = readNpy(`${base}_eng_probs.npy`);
    const engLogits = readNpy(`${base}_eng_logits.npy`);
    assert.deepEqual(engProbs.shape, [opts.count, info.classes]);

    // The inputs must actually move the outputs, or agreement would prove little.
    let spread = 0;
    for (let i = 0; i < engLogits.data.length; ++i) {
      spread = Math.max(spread, Math.abs(engLogits.data[i] - engLogits.data[i % info.classes]));
    }
    assert.ok(spread > 1e-3, `logits barely depend on the input (spread ${spread})`);

    for (const backend of floatBackends) {
      const probs = `${base}_${backend}_probs.npy`;
      const logits = `${base}_${backend}_logits.npy`;
      if (backend === 'ort') {
        run(process.execPath, [path.join(__dirname, 'run_onnx.js'), onnx, `${base}_in.npy`, `probs=${probs}`, `logits=${logits}`]);
      } else if (backend === 'torch') {
        run(opts.torch, ['run', csm, `${base}_in.npy`, probs, logits]);
      } else {
        throw new Error(`unknown backend '${backend}'`);
      }
      const dLogits = maxAbsDiff(engLogits, readNpy(logits));
      const dProbs = maxAbsDiff(engProbs, readNpy(probs));
      console.log(`${variant.name} ${backend}: max |Δlogits| = ${dLogits.toExponential(2)}, max |Δprobs| = ${dProbs.toExponential(2)}`);
      assert.ok(dLogits <= opts.tol, `${backend} logits differ by ${dLogits} > ${opts.tol}`);
      assert.ok(dProbs <= opts.tol, `${backend} probabilities differ by ${dProbs} > ${opts.tol}`);
    }
  });
}

// int8 peers: `run` writes the peer's dequantised int8 logits for `${base}_in.npy` and returns
// the file; `maxSteps` bounds its largest difference from the engine, in logits steps. Both
// requantise in fp32 where the engine follows TFLite's integer reference; XNNPACK measured
// <= 1 step on the three models below (x86-64), hence 2.
const int8Peers = {
  ort: {
    maxSteps: 3,
    run: (csm, base) => {  // ORT's int8 kernels on the QDQ export of the same model
      const onnx = `${base}.onnx`;
      run(opts.csmTool, ['to-onnx', csm, onnx, '--qdq']);
      run(opts.python, ['-c', 'import onnx,sys; onnx.checker.check_model(onnx.load(sys.argv[1]), full_check=True)', onnx]);
      run(process.execPath, [path.join(__dirname, 'run_onnx.js'), onnx, `${base}_in.npy`,
        `probs=${base}_ort_probs.npy`, `logits=${base}_ort_logits.npy`]);
      return `${base}_ort_logits.npy`;
    },
  },
  xnnpack: {
    maxSteps: 2,
    run: (csm, base) => {  // XNNPACK's QS8/QC8 operators on the model's own int8 tensors
      run(opts.xnnpack, ['run', csm, `${base}_in.npy`, `${base}_xnnpack_logits.npy`]);
      return `${base}_xnnpack_logits.npy`;
    },
  },
};

// The engine's int8 run (reference kernels) against an int8 peer on the same model.
function int8Agreement(name, csm, backend) {
  const peer = int8Peers[backend];
  const base = path.join(opts.work, `${name}_int8`);
  const info = JSON.parse(run(opts.csmTool, ['info', csm]));
  writeInputs(info, `${base}_in.npy`, 4321);
  run(opts.csmTool, ['run-int8', csm, `${base}_in.npy`, `${base}_eng_probs.npy`, `${base}_eng_logits.npy`]);
  const eng = readNpy(`${base}_eng_logits.npy`);
  const other = readNpy(peer.run(csm, base));
  assert.deepEqual(eng.shape, other.shape, 'output shapes differ');
  const k = info.classes;
  const step = info.logits_scale;
  let max = 0, sum = 0, spread = 0, same = 0;
  for (let i = 0; i < eng.data.length; ++i) {
    const d = Math.abs(eng.data[i] - other.data[i]);
    max = Math.max(max, d);
    sum += d;
    spread = Math.max(spread, Math.abs(eng.data[i] - eng.data[i % k]));
  }
  const argmax = (a, r) => {
    let best = 0;
    for (let c = 1; c < k; ++c) if (a[r * k + c] > a[r * k + best]) best = c;
    return best;
  };
  for (let r = 0; r < opts.count; ++r) same += argmax(eng.data, r) === argmax(other.data, r) ? 1 : 0;
  const mean = sum / eng.data.length;
  console.log(`${name} int8 vs ${backend}: logits step ${step.toExponential(3)}, max |Δlogits| = ` +
              `${(max / step).toFixed(2)} steps, mean ${(mean / step).toFixed(3)} steps, ` +
              `same top class ${same}/${opts.count}`);
  assert.ok(spread > 2 * step, `int8 logits barely depend on the input (spread ${spread})`);
  assert.ok(max <= peer.maxSteps * step + 1e-6,
    `${backend} int8 logits differ by ${max / step} steps > ${peer.maxSteps}`);
  assert.ok(mean <= 0.5 * step, `${backend} int8 logits differ by ${mean / step} steps on average`);
  assert.ok(same >= 0.9 * opts.count, `top class differs in ${opts.count - same} windows`);
}

for (const backend of opts.backends.filter((b) => b in int8Peers)) {
  const what = backend === 'ort' ? 'ORT int8 (QDQ)' : 'XNNPACK int8 (QS8/QC8)';
  for (const variant of [{ name: 'default', flags: [] }, { name: 'large', flags: ['--large'] }]) {
    test(`${variant.name} model: engine int8 vs ${what}`, () => {
      const csm = path.join(opts.work, `${variant.name}_q.csm`);
      run(opts.csmTool, ['make-default', csm, ...variant.flags, '--seed', '7']);
      int8Agreement(variant.name, csm, backend);
    });
  }
  if (opts.shipped) {
    test(`shipped model: engine int8 vs ${what}`, () => int8Agreement('shipped', opts.shipped, backend));
  }
}
