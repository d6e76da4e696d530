/**
 * Text as the standard PDF fonts can write it. They write WinAnsi: Latin-1 and a few
 * typographic signs; anything else (an emoji in a note…) becomes "?" instead of breaking the
 * document, and narrow or non-breaking spaces become plain ones.
 */
const winAnsiExtras = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');

export function printable(text: string): string {
  return [...text.normalize('NFC')]
    .map((char) => {
      const code = char.codePointAt(0) ?? 0;
      if (char === '\u202f' || char === '\u00a0') return ' ';
      if ((code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || winAnsiExtras.has(char))
        return char;
      return '?';
    })
    .join('');
}
