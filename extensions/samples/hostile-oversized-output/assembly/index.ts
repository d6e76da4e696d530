// Hostile sample: answers with 4 MiB, far above the output limit.
import { Host } from '@extism/as-pdk';

export function solidarity_price(): i32 {
  Host.outputString('{"tier":"' + 'A'.repeat(4 << 20) + '"}');
  return 0;
}
