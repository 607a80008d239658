#!/usr/bin/env node
// Runs an ONNX model with ONNX Runtime (CPU) over every row of an NPY input and
// writes the stacked outputs as float32 NPY files.
//
// usage: node tests/node/run_onnx.js MODEL.onnx INPUT.npy NAME=OUT.npy [NAME=OUT.npy ...]
//   INPUT.npy is float32 [N, ...]; the model's single input takes [1, ...]
//   (batch 1, as the edge engine runs), so row i is fed as its own call.
//   NAME is a graph output name ("probs", "logits"); OUT.npy gets [N, ...].
// Exit status: 0 on success, 1 on any error (message on stderr), 2 on bad usage.
'use strict';

const path = require('path');
const { readNpy, writeNpy } = require(path.join(__dirname, 'npy.js'));

function usage() {
  process.stderr.write('usage: run_onnx.js MODEL.onnx INPUT.npy NAME=OUT.npy [NAME=OUT.npy ...]\n');
  process.exit(2);
}

async function main(argv) {
  if (argv.length < 3) usage();
  const [modelPath, inputPath, ...outSpecs] = argv;
  const outputs = outSpecs.map((spec) => {
    const eq = spec.indexOf('=');
    if (eq <= 0 || eq === spec.length - 1) usage();
    return { name: spec.slice(0, eq), file: spec.slice(eq + 1) };
  });

  const ort = require('onnxruntime-node');
  const session = await ort.InferenceSession.create(modelPath, {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
  if (session.inputNames.length !== 1) {
    throw new Error(`${modelPath}: ${session.inputNames.length} inputs, expected exactly 1`);
  }
  for (const o of outputs) {
    if (!session.outputNames.includes(o.name)) {
      throw new Error(`${modelPath}: no output '${o.name}' (has ${session.outputNames.join(', ')})`);
    }
  }

  const input = readNpy(inputPath);
  if (input.shape.length < 2) throw new Error(`${inputPath}: shape [${input.shape}], expected [N, ...]`);
  const rows = input.shape[0];
  const rowShape = input.shape.slice(1);
  const rowSize = rowShape.reduce((a, b) => a * b, 1);

  const collected = outputs.map(() => ({ shape: null, chunks: [] }));
  for (let i = 0; i < rows; ++i) {
    const row = input.data.subarray(i * rowSize, (i + 1) * rowSize);
    const feeds = { [session.inputNames[0]]: new ort.Tensor('float32', row, [1, ...rowShape]) };
    const result = await session.run(feeds, outputs.map((o) => o.name));
    outputs.forEach((o, k) => {
      const t = result[o.name];
      if (t.type !== 'float32') throw new Error(`output '${o.name}' is ${t.type}, expected float32`);
      if (t.dims[0] !== 1) throw new Error(`output '${o.name}' has batch ${t.dims[0]}, expected 1`);
      collected[k].shape = t.dims.slice(1);
      collected[k].chunks.push(Float32Array.from(t.data));
    });
  }

  outputs.forEach((o, k) => {
    const { shape, chunks } = collected[k];
    const per = (shape || []).reduce((a, b) => a * b, 1);
    const data = new Float32Array(rows * per);
    chunks.forEach((c, i) => data.set(c, i * per));
    writeNpy(o.file, [rows, ...(shape || [])], data);
  });
}

main(process.argv.slice(2)).catch((err) => {
  process.stderr.write(`run_onnx: ${err.message}\n`);
  process.exit(1);
});
