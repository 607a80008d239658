// Minimal NPY (numpy.lib.format) reader/writer for little-endian float32 arrays,
// enough for the ONNX Runtime cross-checks. Anything else is rejected with a
// message naming the file and what was expected.
'use strict';

const fs = require('fs');

const kMagic = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]);  // "\x93NUMPY"

function parseHeader(text, path) {
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(text);
  const order = /'fortran_order'\s*:\s*(True|False)/.exec(text);
  const shape = /'shape'\s*:\s*\(([^)]*)\)/.exec(text);
  if (!descr || !order || !shape) throw new Error(`${path}: malformed NPY header '${text.trim()}'`);
  if (descr[1] !== '<f4') throw new Error(`${path}: dtype ${descr[1]}, expected <f4 (float32)`);
  if (order[1] !== 'False') throw new Error(`${path}: Fortran order, expected C order`);
  const dims = shape[1].split(',').map((s) => s.trim()).filter((s) => s.length > 0).map(Number);
  if (dims.some((d) => !Number.isInteger(d) || d < 0)) throw new Error(`${path}: bad shape (${shape[1]})`);
  return dims;
}

function readNpy(path) {
  const buf = fs.readFileSync(path);
  if (buf.length < 10 || !buf.subarray(0, 6).equals(kMagic)) throw new Error(`${path}: not an NPY file`);
  const major = buf[6];
  let headerLen;
  let offset;
  if (major === 1) {
    headerLen = buf.readUInt16LE(8);
    offset = 10;
  } else if (major === 2 || major === 3) {
    headerLen = buf.readUInt32LE(8);
    offset = 12;
  } else {
    throw new Error(`${path}: NPY version ${major}, expected 1, 2 or 3`);
  }
  const shape = parseHeader(buf.toString('latin1', offset, offset + headerLen), path);
  const count = shape.reduce((a, b) => a * b, 1);
  const start = offset + headerLen;
  if (buf.length - start !== count * 4) {
    throw new Error(`${path}: ${buf.length - start} data bytes, expected ${count * 4} for shape [${shape}]`);
  }
  // Copy into an aligned buffer: the data offset need not be a multiple of 4.
  const data = new Float32Array(count);
  Buffer.from(data.buffer).set(buf.subarray(start));
  return { shape, data };
}

function writeNpy(path, shape, data) {
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(', ');
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${dims}), }`;
  const unpadded = 10 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const head = Buffer.alloc(10);
  kMagic.copy(head, 0);
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  const body = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  fs.writeFileSync(path, Buffer.concat([head, Buffer.from(header, 'latin1'), body]));
}

module.exports = { readNpy, writeNpy };
