// A small USTAR writer for the registry suites: builds bundle layers the way
// the Go tool does (directory entries, file-system metadata) and hostile ones
// (traversal, absolute names, links, oversized entries) that no well-behaved
// packer would produce.
import zlib from 'node:zlib';

const BLOCK = 512;

function octal(value, width) {
  // width bytes: digits, then a NUL terminator.
  const digits = value.toString(8).padStart(width - 1, '0');
  if (digits.length > width - 1) throw new Error(`tar: ${value} does not fit in ${width} bytes`);
  return `${digits}\0`;
}

function put(header, offset, width, text) {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length > width) throw new Error(`tar: "${text}" is longer than ${width} bytes`);
  bytes.copy(header, offset);
}

// USTAR name/prefix split for names over 100 bytes.
function splitName(name) {
  if (Buffer.byteLength(name) <= 100) return { name, prefix: '' };
  for (let i = name.length - 1; i > 0; i -= 1) {
    if (name[i] !== '/') continue;
    const prefix = name.slice(0, i);
    const rest = name.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(rest) <= 100 && rest !== '') return { name: rest, prefix };
  }
  throw new Error(`tar: name too long for USTAR: ${name}`);
}

const TYPEFLAGS = { file: '0', hardlink: '1', symlink: '2', chardev: '3', blockdev: '4', dir: '5', fifo: '6' };

/**
 * One 512-byte header.
 * @param {{ name: string, type?: keyof typeof TYPEFLAGS, size?: number, mode?: number, mtime?: number,
 *   uid?: number, gid?: number, uname?: string, gname?: string, linkname?: string }} entry
 */
export function header(entry) {
  const type = entry.type || 'file';
  const h = Buffer.alloc(BLOCK);
  const { name, prefix } = splitName(entry.name);
  put(h, 0, 100, name);
  put(h, 100, 8, octal(entry.mode ?? (type === 'dir' ? 0o755 : 0o644), 8));
  put(h, 108, 8, octal(entry.uid ?? 0, 8));
  put(h, 116, 8, octal(entry.gid ?? 0, 8));
  put(h, 124, 12, octal(entry.size ?? 0, 12));
  put(h, 136, 12, octal(entry.mtime ?? 0, 12));
  h.fill(0x20, 148, 156); // checksum field counts as spaces
  put(h, 156, 1, TYPEFLAGS[type]);
  put(h, 157, 100, entry.linkname || '');
  put(h, 257, 6, 'ustar\0');
  put(h, 263, 2, '00');
  put(h, 265, 32, entry.uname || '');
  put(h, 297, 32, entry.gname || '');
  put(h, 329, 8, octal(0, 8));
  put(h, 337, 8, octal(0, 8));
  put(h, 345, 155, prefix);
  let sum = 0;
  for (const byte of h) sum += byte;
  put(h, 148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
  return h;
}

/**
 * A whole archive: headers, data padded to 512, two zero blocks.
 * @param {Array<{ name: string, type?: string, data?: Buffer | string, size?: number } & object>} entries
 *   data: the content of a file entry; `size` may claim a different size (then
 *   the data written is still `data`).
 */
export function tar(entries) {
  const parts = [];
  for (const entry of entries) {
    const data = entry.data === undefined ? Buffer.alloc(0) : Buffer.from(entry.data);
    parts.push(header({ ...entry, size: entry.size ?? data.length }));
    if (data.length > 0) {
      parts.push(data);
      const pad = (BLOCK - (data.length % BLOCK)) % BLOCK;
      if (pad) parts.push(Buffer.alloc(pad));
    }
  }
  parts.push(Buffer.alloc(2 * BLOCK));
  return Buffer.concat(parts);
}

/**
 * gzip the way Go's compress/gzip writes it: no name, MTIME 0, XFL from the
 * level (4 = fastest), OS 255 (unknown).
 */
export function gzipGo(bytes, level) {
  const out = zlib.gzipSync(bytes, { level });
  out[9] = 0xff;
  return out;
}
