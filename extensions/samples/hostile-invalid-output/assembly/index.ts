// Hostile sample: answers what the hook's schema does not allow.
import { Host } from '@extism/as-pdk';

/** Valid JSON, wrong shape: a price as text, and a field the schema does not know. */
export function solidarity_price(): i32 {
  Host.outputString('{"priceCents":"free","admin":true}');
  return 0;
}

/** Not JSON at all. */
export function not_json(): i32 {
  Host.outputString('<html>oops</html>');
  return 0;
}
