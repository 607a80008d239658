#!/usr/bin/env node
// Times ONNX Runtime (CPU, float32) on one .onnx model at batch 1, the way the
// edge engine is called: one window per call. Each call is timed on its own
// (await included, so node's binding overhead is part of the figure); the
// median of `iters` calls after `warmup` untimed calls is reported, once with
// one intra-op thread and once with ORT's default thread count.
//
// usage: node bench/compare/ort_bench.js MODEL.onnx [--iters N] [--warmup N]
// Prints one JSON line: {"ort_1t_us":…, "ort_default_us":…, "ort_1t_p90_us":…, …}
'use strict';

function parseArgs(argv) {
  const opts = { model: null, iters: 3000, warmup: 300 };
  for (let i = 0; i < argv.length; ++i) {
    const a = argv[i];
    if (a === '--iters' || a === '--warmup') {
      const v = Number(argv[++i]);
      if (!Number.isInteger(v) || v < 1) throw new Error(`${a} needs a positive integer, got '${argv[i]}'`);
      opts[a.slice(2)] = v;
    } else if (opts.model === null) {
      opts.model = a;
    } else {
      throw new Error(`unexpected argument '${a}'`);
    }
  }
  if (opts.model === null) throw new Error('usage: ort_bench.js MODEL.onnx [--iters N] [--warmup N]');
  return opts;
}

function quantile(sorted, q) {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

// Deterministic pseudo-random input (xorshift32), so runs are comparable.
function makeInput(count) {
  const data = new Float32Array(count);
  let s = 0x9e3779b9;
  for (let i = 0; i < count; ++i) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    data[i] = ((s >>> 0) / 4294967296) * 2 - 1;
  }
  return data;
}

async function timeSession(ort, modelPath, intraOpNumThreads, opts) {
  const sessionOpts = { executionMode: 'sequential', graphOptimizationLevel: 'all' };
  if (intraOpNumThreads > 0) {
    sessionOpts.intraOpNumThreads = intraOpNumThreads;
    sessionOpts.interOpNumThreads = 1;
  }
  const session = await ort.InferenceSession.create(modelPath, sessionOpts);
  const meta = session.inputMetadata[0];
  if (!meta.isTensor || meta.shape.some((d) => typeof d !== 'number')) {
    throw new Error(`${modelPath}: input '${meta.name}' needs a fixed shape, has [${meta.shape}]`);
  }
  const count = meta.shape.reduce((a, b) => a * b, 1);
  const feeds = { [session.inputNames[0]]: new ort.Tensor('float32', makeInput(count), meta.shape) };
  for (let i = 0; i < opts.warmup; ++i) await session.run(feeds);
  const samples = new Float64Array(opts.iters);
  for (let i = 0; i < opts.iters; ++i) {
    const t0 = process.hrtime.bigint();
    await session.run(feeds);
    samples[i] = Number(process.hrtime.bigint() - t0) / 1000;
  }
  await session.release();
  samples.sort();
  return { median: quantile(samples, 0.5), p90: quantile(samples, 0.9) };
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const ort = require('onnxruntime-node');
  const one = await timeSession(ort, opts.model, 1, opts);
  const dflt = await timeSession(ort, opts.model, 0, opts);
  const r = (x) => Math.round(x * 100) / 100;
  const out = {
    ort_1t_us: r(one.median),
    ort_default_us: r(dflt.median),
    ort_1t_p90_us: r(one.p90),
    ort_default_p90_us: r(dflt.p90),
    iters: opts.iters,
    ort_version: ort.env.versions.node,
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().catch((err) => {
  process.stderr.write(`ort_bench: ${err.message}\n`);
  process.exit(1);
});
