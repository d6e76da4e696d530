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

@external('extism:host/user', 'garden_settings')
declare function garden_settings(): u64;

/** Takes the host's memory through a host function: each call of garden_settings is a new block. */
export function settings_bomb(): i32 {
  while (true) garden_settings();
  return 0;
}
