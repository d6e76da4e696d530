// A module's linear memory, bounded in its own bytes: the server's host and the browser's worker
// both write the maximum into the module before compiling it, since Extism JS 1.0.3 ignores a
// manifest's memory.maxPages (measured, see extensions/README.md): the engine then refuses any
// memory.grow past it. Pure: bytes in, bytes out.

/** WebAssembly pages are 64 KiB. */
export const pageBytes = 65_536;

export class ModuleRefused extends Error {
  override name = 'ModuleRefused';
}

function readLeb(bytes: Uint8Array, at: number): { value: number; next: number } {
  let value = 0;
  let shift = 0;
  let position = at;
  for (;;) {
    const byte = bytes[position++];
    if (byte === undefined) throw new ModuleRefused('The module is truncated.');
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if ((byte & 0x80) === 0) return { value, next: position };
    if (shift > 35) throw new ModuleRefused('The module holds a malformed number.');
  }
}

function leb(value: number): number[] {
  const out: number[] = [];
  let rest = value;
  do {
    let byte = rest & 0x7f;
    rest = Math.floor(rest / 128);
    if (rest > 0) byte |= 0x80;
    out.push(byte);
  } while (rest > 0);
  return out;
}

/**
 * The module with every memory's maximum set to at most `maxPages`. Refuses a module that has no
 * memory of its own, imports one, shares one (threads) or uses 64-bit memory, or starts above the
 * limit.
 */
export function capMemory(bytes: Uint8Array, maxPages: number): Uint8Array<ArrayBuffer> {
  if (bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) {
    throw new ModuleRefused('This is not a WebAssembly module.');
  }
  let at = 8;
  while (at < bytes.length) {
    const id = bytes[at]!;
    const size = readLeb(bytes, at + 1);
    const start = size.next;
    const end = start + size.value;
    if (id === 2) {
      // Import section: refuse an imported memory (kind 2).
      let position = readLeb(bytes, start).next;
      const count = readLeb(bytes, start).value;
      for (let i = 0; i < count; i++) {
        for (let name = 0; name < 2; name++) {
          const length = readLeb(bytes, position);
          position = length.next + length.value;
        }
        const kind = bytes[position++];
        if (kind === 2) throw new ModuleRefused('The module imports its memory: it must define its own.');
        if (kind === 0) position = readLeb(bytes, position).next;
        else if (kind === 1) {
          const flags = bytes[position + 1]!;
          position = readLeb(bytes, position + 2).next;
          if (flags & 1) position = readLeb(bytes, position).next;
        } else if (kind === 3) position += 2;
        else if (kind === 4) position = readLeb(bytes, position + 1).next;
        else throw new ModuleRefused(`The module imports an unknown kind of thing (${kind}).`);
      }
    }
    if (id === 5) {
      const count = readLeb(bytes, start);
      let position = count.next;
      const limits: number[] = [...leb(count.value)];
      for (let i = 0; i < count.value; i++) {
        const flags = bytes[position++]!;
        if (flags & 0x02) throw new ModuleRefused('The module declares a shared memory (threads).');
        if (flags & 0x04) throw new ModuleRefused('The module declares a 64-bit memory.');
        const min = readLeb(bytes, position);
        position = min.next;
        let max = maxPages;
        if (flags & 0x01) {
          const declared = readLeb(bytes, position);
          position = declared.next;
          max = Math.min(declared.value, maxPages);
        }
        if (min.value > maxPages) {
          throw new ModuleRefused(
            `The module's memory starts at ${min.value} pages (${(min.value * pageBytes) / 2 ** 20} MiB), above the limit of ${maxPages}.`,
          );
        }
        limits.push(0x01, ...leb(min.value), ...leb(max));
      }
      const section = [5, ...leb(limits.length), ...limits];
      const out = new Uint8Array(at + section.length + (bytes.length - end));
      out.set(bytes.subarray(0, at), 0);
      out.set(section, at);
      out.set(bytes.subarray(end), at + section.length);
      return out;
    }
    at = end;
  }
  throw new ModuleRefused('The module defines no memory.');
}
