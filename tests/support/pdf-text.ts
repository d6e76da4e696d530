import { inflateSync } from 'node:zlib';

/** The text a PDF draws: its Flate streams inflated, the hex strings of the standard fonts decoded. */
export function pdfText(bytes: Buffer | Uint8Array): string {
  const buffer = Buffer.from(bytes);
  const raw = buffer.toString('latin1');
  const texts: string[] = [];
  for (const match of raw.matchAll(/stream\r?\n/g)) {
    const start = match.index + match[0].length;
    const end = raw.indexOf('endstream', start);
    try {
      const content = inflateSync(buffer.subarray(start, end)).toString('latin1');
      for (const hex of content.matchAll(/<([0-9A-Fa-f]+)>\s*Tj/g)) {
        texts.push(Buffer.from(hex[1] ?? '', 'hex').toString('latin1'));
      }
    } catch {
      // Not a Flate stream (a font): nothing drawn in it.
    }
  }
  return texts.join(' ');
}
