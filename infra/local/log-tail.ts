import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/** The last `count` lines of a log file ('' when it does not exist). */
export function logTail(path: string, count = 30): string {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return '';
  }
  try {
    const size = fstatSync(fd).size;
    const length = Math.min(size, 64 * 1024);
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, size - length);
    const lines = buffer.toString('utf8').split('\n');
    if (lines.at(-1) === '') lines.pop();
    return lines.slice(-count).join('\n');
  } finally {
    closeSync(fd);
  }
}

/** A log tail indented under a heading, ready to print. */
export function formatLogTail(path: string, count = 30): string {
  const tail = logTail(path, count);
  if (!tail) return `  (no output in ${path})`;
  return `  --- last lines of ${path} ---\n${tail
    .split('\n')
    .map((line) => `  | ${line}`)
    .join('\n')}`;
}
