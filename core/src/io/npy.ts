// NumPy's `.npy` format for one float32 matrix, written and read strictly. A `.npy` given to distill comes from
// elsewhere (another framework, another team), so reading it is reading untrusted bytes: the magic, the version, the
// header's length and fields, the dtype, the shape and the data's exact size are each checked, and a file that
// breaks one is refused saying what was expected. Only what distill writes and needs is accepted: little-endian
// float32 ('<f4'), C order, two dimensions.
import { UserError } from '../errors.js';

const MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]); // \x93NUMPY
/** A header longer than this is not a header numpy writes for a 2-D array. */
const MAX_HEADER_BYTES = 4096;

export interface NpyMatrix {
  readonly rows: number;
  readonly columns: number;
  /** `rows × columns` values, row-major. */
  readonly data: Float32Array;
}

/** A version 1.0 `.npy` of a `[rows, columns]` float32 matrix (what `numpy.save` writes for a float32 array). */
export function encodeNpy(data: Float32Array, rows: number, columns: number): Buffer {
  if (data.length !== rows * columns) throw new Error(`encodeNpy: ${data.length} values cannot be a [${rows}, ${columns}] matrix`);
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${rows}, ${columns}), }`;
  // numpy pads the header with spaces so that the data starts at a multiple of 64 bytes, and ends it with \n.
  const unpadded = MAGIC.length + 2 + 2 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const prefix = Buffer.alloc(MAGIC.length + 4);
  MAGIC.copy(prefix);
  prefix.writeUInt8(1, 6);
  prefix.writeUInt8(0, 7);
  prefix.writeUInt16LE(header.length, 8);
  const values = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.concat([prefix, Buffer.from(header, 'latin1'), littleEndian(values)]);
}

/** Reads a `[rows, columns]` little-endian float32 matrix; `file` names it in errors. Values are not checked here. */
export function decodeNpy(bytes: Uint8Array, file: string): NpyMatrix {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fail = (what: string): never => {
    throw new UserError(`${file}: ${what}`);
  };
  if (buffer.length < 10 || !buffer.subarray(0, 6).equals(MAGIC)) fail('not a .npy file (it does not start with \\x93NUMPY); save the array with numpy.save');
  const major = buffer[6];
  if (major < 1 || major > 3) fail(`.npy format version ${major}.${buffer[7]} is not one distill reads (1.0, 2.0 or 3.0)`);
  const lengthBytes = major === 1 ? 2 : 4;
  if (buffer.length < 8 + lengthBytes) fail('the file ends inside its header');
  const headerLength = major === 1 ? buffer.readUInt16LE(8) : buffer.readUInt32LE(8);
  const headerStart = 8 + lengthBytes;
  if (headerLength > MAX_HEADER_BYTES) fail(`its header claims ${headerLength} bytes; a 2-D float32 array's header is under ${MAX_HEADER_BYTES}`);
  if (buffer.length < headerStart + headerLength) fail(`the file ends inside its header (${buffer.length} bytes, header claims ${headerLength})`);
  const header = buffer.subarray(headerStart, headerStart + headerLength).toString(major === 3 ? 'utf8' : 'latin1');
  const { rows, columns } = parseHeader(header, fail);
  const dataStart = headerStart + headerLength;
  const expected = rows * columns * 4;
  const actual = buffer.length - dataStart;
  if (actual !== expected) {
    fail(`its header says [${rows}, ${columns}] float32 (${expected} bytes of data), but the file has ${actual} bytes after the header${actual < expected ? ' (truncated?)' : ''}`);
  }
  // Copied into an aligned array of its own: the data need not be 4-byte aligned in the file's buffer.
  const data = new Float32Array(rows * columns);
  const target = Buffer.from(data.buffer);
  buffer.copy(target, 0, dataStart);
  if (!isLittleEndian()) target.swap32();
  return { rows, columns, data };
}

function parseHeader(header: string, fail: (what: string) => never): { rows: number; columns: number } {
  const field = (name: string, pattern: string): string | undefined => new RegExp(`['"]${name}['"]\\s*:\\s*(${pattern})`).exec(header)?.[1];
  if (!/^\s*\{[\s\S]*\}\s*$/.test(header)) fail(`its header is not a Python dict literal: ${JSON.stringify(header.slice(0, 80))}`);
  const descr = field('descr', `'[^']*'|"[^"]*"`)?.slice(1, -1);
  if (descr === undefined) fail("its header has no 'descr' (the dtype)");
  if (descr !== '<f4' && !(descr === '=f4' && isLittleEndian())) {
    fail(`its dtype is ${JSON.stringify(descr)}, but distill reads float32 ('<f4'): save array.astype(numpy.float32)`);
  }
  const fortran = field('fortran_order', 'True|False');
  if (fortran === undefined) fail("its header has no 'fortran_order'");
  if (fortran === 'True') fail('it is stored in Fortran order; save numpy.ascontiguousarray(array)');
  const shape = field('shape', '\\([^)]*\\)');
  if (shape === undefined) fail("its header has no 'shape'");
  const dims = shape.slice(1, -1).split(',').map((d) => d.trim()).filter((d) => d !== '');
  if (dims.length !== 2 || !dims.every((d) => /^\d{1,10}$/.test(d))) fail(`its shape is ${shape}; distill reads a 2-D array [samples, classes]`);
  const [rows, columns] = dims.map(Number);
  if (!Number.isSafeInteger(rows * columns * 4)) fail(`its shape ${shape} is too large`);
  return { rows, columns };
}

function isLittleEndian(): boolean {
  return new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
}

/** The bytes as little-endian float32s: swapped in place on a big-endian machine. */
function littleEndian(bytes: Buffer): Buffer {
  return isLittleEndian() ? bytes : Buffer.from(bytes).swap32();
}
