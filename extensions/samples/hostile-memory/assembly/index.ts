// Hostile sample: takes memory until something stops it.
import { alloc } from '@extism/as-pdk/lib/env';

const kept: Uint8Array[] = [];

/** Grows its own linear memory, 1 MiB at a time, keeping everything. */
export function solidarity_price(): i32 {
  while (true) kept.push(new Uint8Array(1 << 20));
  return 0;
}

/** Takes the host's memory instead: Extism kernel blocks of 64 KiB, never freed. */
export function kernel_bomb(): i32 {
  while (true) alloc(65_536);
  return 0;
}
