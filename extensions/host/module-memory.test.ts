import { describe, expect, it } from 'vitest';
import { capMemory, ModuleRefused } from '../../domain/extensions/module-memory.ts';

const header = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
/** A module with one exported memory of `min` pages and no maximum (the memory bomb's shape). */
function moduleWithMemory(min: number): Uint8Array {
  const memory = [0x05, 0x03, 0x01, 0x00, min];
  const exportMemory = [0x07, 0x07, 0x01, 0x03, 0x6d, 0x65, 0x6d, 0x02, 0x00]; // "mem"
  return new Uint8Array([...header, ...memory, ...exportMemory]);
}

describe('a module’s memory, bounded in its own bytes', () => {
  it('cannot grow past the limit written into it, whatever it asks', async () => {
    const capped = capMemory(moduleWithMemory(1), 16);
    const instance = new WebAssembly.Instance(await WebAssembly.compile(capped));
    const memory = instance.exports.mem as WebAssembly.Memory;
    expect(() => memory.grow(16)).toThrow(RangeError);
    expect(memory.grow(15)).toBe(1);
    expect(memory.buffer.byteLength).toBe(16 * 65_536);
    // Uncapped, the same module grows as it likes.
    const free = new WebAssembly.Instance(new WebAssembly.Module(moduleWithMemory(1))).exports
      .mem as WebAssembly.Memory;
    expect(free.grow(16)).toBe(1);
  });

  it('refuses what is not a module, and a memory that starts above the limit', () => {
    expect(() => capMemory(new TextEncoder().encode('<html>'), 16)).toThrow(ModuleRefused);
    expect(() => capMemory(moduleWithMemory(20), 16)).toThrow(/starts at 20 pages/);
    expect(() => capMemory(new Uint8Array(header), 16)).toThrow(/defines no memory/);
  });
});
