// Hostile sample: traps, three ways.

/** `unreachable`. */
export function solidarity_price(): i32 {
  unreachable();
  return 0;
}

/** A load far outside its memory. */
export function out_of_bounds(): i32 {
  return i32(load<u8>(0xfffffff0));
}

/** AssemblyScript's abort (a thrown Error), which the host's env.abort turns into a trap. */
export function abort_with_message(): i32 {
  throw new Error('the hostile sample gives up');
}
