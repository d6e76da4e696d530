/**
 * Two versions of a page compared the way a person reads them: by words, line by line, what
 * was removed and what was added. Myers' algorithm (shortest edit script, O((n + m) · d)),
 * kept only for edit counts a person could read: beyond `maxEdits` the two texts are shown as
 * one removed block and one added block, rather than freeze the page.
 */
export type DiffKind = 'same' | 'added' | 'removed';

export interface DiffPart {
  kind: DiffKind;
  text: string;
}

const newline = '\n';

/** Words, and a line break as a token of its own, so that paragraphs stay apart. */
export function wordsOf(text: string): string[] {
  return text.match(/\n|[^\s]+/g) ?? [];
}

type Edit = { kind: DiffKind; token: string };

/** The shortest list of edits from `a` to `b`, or undefined when it needs more than `maxEdits`. */
function shortestEdits(a: readonly string[], b: readonly string[], maxEdits: number): Edit[] | undefined {
  const n = a.length;
  const m = b.length;
  const max = Math.min(n + m, maxEdits);
  const offset = max + 1;
  const furthest = new Int32Array(2 * max + 3);
  // The furthest points of each round, kept from -d to d only (d² numbers in all).
  const rounds: Int32Array[] = [];
  for (let d = 0; d <= max; d++) {
    rounds.push(furthest.slice(offset - d, offset + d + 1));
    for (let k = -d; k <= d; k += 2) {
      const down = k === -d || (k !== d && (furthest[offset + k - 1] ?? 0) < (furthest[offset + k + 1] ?? 0));
      let x = down ? (furthest[offset + k + 1] ?? 0) : (furthest[offset + k - 1] ?? 0) + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      furthest[offset + k] = x;
      if (x >= n && y >= m) return backtrack(a, b, rounds, d);
    }
  }
  return undefined;
}

function backtrack(a: readonly string[], b: readonly string[], rounds: Int32Array[], last: number): Edit[] {
  const edits: Edit[] = [];
  let x = a.length;
  let y = b.length;
  for (let d = last; d >= 0; d--) {
    // rounds[d] holds the furthest points before round d, for k from -d to d (index k + d).
    const before = rounds[d] as Int32Array;
    const at = (k: number) => (k < -d || k > d ? 0 : (before[k + d] ?? 0));
    const k = x - y;
    const down = k === -d || (k !== d && at(k - 1) < at(k + 1));
    const previousK = down ? k + 1 : k - 1;
    const previousX = d === 0 ? 0 : at(previousK);
    const previousY = d === 0 ? 0 : previousX - previousK;
    while (x > previousX && y > previousY) {
      edits.push({ kind: 'same', token: a[x - 1] as string });
      x--;
      y--;
    }
    if (d > 0) {
      if (x === previousX) edits.push({ kind: 'added', token: b[y - 1] as string });
      else edits.push({ kind: 'removed', token: a[x - 1] as string });
    }
    x = previousX;
    y = previousY;
  }
  return edits.reverse();
}

/**
 * Joins tokens back into text in reading order: a space between words, none around a line
 * break. A space between two kinds of parts stands unmarked between them.
 */
function join(edits: Edit[]): DiffPart[] {
  const joined: DiffPart[] = [];
  let previous: string | undefined;
  for (const { kind, token } of edits) {
    const spaced = previous !== undefined && previous !== newline && token !== newline;
    previous = token;
    const current = joined.at(-1);
    if (current && current.kind === kind) {
      current.text += (spaced ? ' ' : '') + token;
      continue;
    }
    if (spaced) {
      if (current?.kind === 'same') current.text += ' ';
      else joined.push({ kind: 'same', text: ' ' });
    }
    const last = joined.at(-1);
    if (last && last.kind === kind) last.text += token;
    else joined.push({ kind, text: token });
  }
  return joined;
}

/**
 * What changed from `before` to `after`, word by word: unchanged, removed and added parts in
 * reading order. Identical texts are one unchanged part (or none when empty).
 */
export function wordDiff(before: string, after: string, maxEdits = 4000): DiffPart[] {
  const a = wordsOf(before);
  const b = wordsOf(after);
  const edits = shortestEdits(a, b, maxEdits) ?? [
    ...a.map((token): Edit => ({ kind: 'removed', token })),
    ...b.map((token): Edit => ({ kind: 'added', token })),
  ];
  return join(edits);
}

/** Elements that end a line of text in a page (the server keeps no others that do). */
const blockTags = new Set([
  'P',
  'H2',
  'H3',
  'H4',
  'LI',
  'TR',
  'BLOCKQUOTE',
  'FIGCAPTION',
  'FIGURE',
  'HR',
  'UL',
  'OL',
  'TABLE',
]);

/**
 * The text of a page's html as a person reads it: one line per paragraph, heading, list item
 * or table row, the cells of a row apart, an image by its text alternative. Parsed with
 * DOMParser, whose documents run no script and load nothing.
 */
export function pageText(html: string): string {
  const body = new DOMParser().parseFromString(html, 'text/html').body;
  const pieces: string[] = [];
  const walk = (node: Node) => {
    if (node.nodeType === Node.TEXT_NODE) {
      pieces.push(node.textContent ?? '');
      return;
    }
    if (node.nodeType !== Node.ELEMENT_NODE) return;
    const element = node as Element;
    if (element.tagName === 'BR') pieces.push(newline);
    if (element.tagName === 'IMG') {
      const alt = element.getAttribute('alt')?.trim();
      if (alt) pieces.push(` [${alt}] `);
    }
    if (element.tagName === 'TD' || element.tagName === 'TH') pieces.push(' ');
    for (const child of Array.from(element.childNodes)) walk(child);
    if (blockTags.has(element.tagName)) pieces.push(newline);
  };
  walk(body);
  return pieces
    .join('')
    .split(newline)
    .map((line) => line.replace(/\s+/g, ' ').trim())
    .filter(Boolean)
    .join(newline);
}
