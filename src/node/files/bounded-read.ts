/**
 * Reads a small file (a key file, a seed file) without trusting its size: a key file replaced by a
 * gigabyte of junk, a FIFO or /dev/zero is refused after one fstat, before anything is allocated
 * for its content or parsed.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

/**
 * The bytes of the regular file at `path`, at most `maxBytes` of them. Throws a plain Error whose
 * message says what was wrong (callers wrap it in their own typed error); a missing file throws
 * the usual ENOENT error.
 */
export function readBoundedFile(path: string, maxBytes: number): Buffer {
  // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer forever.
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new Error('not a regular file');
    if (stat.size > maxBytes) throw new Error(`it is ${stat.size} bytes, more than the ${maxBytes} such a file may hold`);
    // One byte more than allowed, so a file that grew since fstat is still caught.
    const buffer = Buffer.alloc(maxBytes + 1);
    let length = 0;
    while (length < buffer.length) {
      const read = readSync(fd, buffer, length, buffer.length - length, length);
      if (read === 0) break;
      length += read;
    }
    if (length > maxBytes) throw new Error(`it holds more than the ${maxBytes} bytes such a file may hold`);
    return buffer.subarray(0, length);
  } finally {
    closeSync(fd);
  }
}
