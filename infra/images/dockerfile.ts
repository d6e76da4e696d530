// A small reader of our Dockerfiles, enough for the checks in images.test.ts: stages, their
// base images, what they copy, run and start. Not a general parser: heredocs, ONBUILD and parser
// directives other than `syntax` are not used here and not understood.

export interface Instruction {
  /** Upper-case keyword: FROM, COPY, RUN… */
  keyword: string;
  /** The rest of the instruction, continuation lines joined with a space. */
  rest: string;
  line: number;
}

export interface CopyStep {
  /** The stage copied from (`--from=…`), or undefined for the build context. */
  from: string | undefined;
  sources: string[];
  /** Absolute, from the stage's WORKDIR at that step. */
  destination: string;
  /** Whether the destination is a folder the sources go into (`./`, `dir/`, several sources). */
  intoFolder: boolean;
  line: number;
}

export interface Stage {
  /** `FROM image[:tag][@digest]` as written. */
  image: string;
  name: string | undefined;
  instructions: Instruction[];
  copies: CopyStep[];
  env: Record<string, string>;
  workdir: string;
  user: string | undefined;
  /** CMD in exec form. */
  command: string[] | undefined;
  entrypoint: string[] | undefined;
  healthcheck: string[] | undefined;
  exposed: number[];
}

export interface Dockerfile {
  stages: Stage[];
  /** The stage the image is: the last one. */
  final: Stage;
}

/** The logical lines of a Dockerfile: comments dropped, `\` continuations joined. */
export function instructionsOf(text: string): Instruction[] {
  const instructions: Instruction[] = [];
  let pending: { text: string; line: number } | undefined;
  text.split('\n').forEach((raw, index) => {
    const trimmed = raw.trim();
    if (trimmed.startsWith('#') || (trimmed === '' && !pending)) return;
    const continued = trimmed.endsWith('\\');
    const part = continued ? trimmed.slice(0, -1).trim() : trimmed;
    pending = pending
      ? { ...pending, text: `${pending.text} ${part}`.trim() }
      : { text: part, line: index + 1 };
    if (continued) return;
    const match = /^(\S+)\s*(.*)$/s.exec(pending.text);
    if (match)
      instructions.push({ keyword: match[1]!.toUpperCase(), rest: match[2] ?? '', line: pending.line });
    pending = undefined;
  });
  return instructions;
}

/** `["a", "b"]` (exec form) or a shell-form string wrapped as `sh -c`. */
function commandOf(rest: string): string[] {
  const trimmed = rest.trim();
  if (trimmed.startsWith('[')) return JSON.parse(trimmed) as string[];
  return ['/bin/sh', '-c', trimmed];
}

/** Splits `--flag=value` options off the front of an instruction. */
function optionsOf(rest: string): { options: Record<string, string>; remainder: string } {
  const options: Record<string, string> = {};
  let remainder = rest.trim();
  for (let match = /^--([a-z-]+)(?:=(\S+))?\s+/.exec(remainder); match;) {
    options[match[1]!] = match[2] ?? 'true';
    remainder = remainder.slice(match[0].length);
    match = /^--([a-z-]+)(?:=(\S+))?\s+/.exec(remainder);
  }
  return { options, remainder };
}

/** `KEY=value KEY2="value two"` (and the old `KEY value` form). */
function envOf(rest: string): Record<string, string> {
  const env: Record<string, string> = {};
  const pairs = [...rest.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|\S*)/g)];
  if (pairs.length === 0) {
    const [name, ...value] = rest.trim().split(/\s+/);
    if (name) env[name] = value.join(' ');
    return env;
  }
  for (const [, name, value] of pairs) {
    env[name!] = value!.startsWith('"') ? (JSON.parse(value!) as string) : value!;
  }
  return env;
}

export function parseDockerfile(text: string): Dockerfile {
  const stages: Stage[] = [];
  for (const instruction of instructionsOf(text)) {
    if (instruction.keyword === 'FROM') {
      const { remainder } = optionsOf(instruction.rest);
      const [image = '', as, name] = remainder.split(/\s+/);
      const base = stages.find((stage) => stage.name === image);
      stages.push({
        image,
        name: as?.toUpperCase() === 'AS' ? name : undefined,
        instructions: [instruction],
        copies: [],
        env: base ? { ...base.env } : {},
        workdir: base?.workdir ?? '/',
        user: base?.user,
        command: base?.command,
        entrypoint: base?.entrypoint,
        healthcheck: base?.healthcheck,
        exposed: [],
      });
      continue;
    }
    const stage = stages.at(-1);
    if (!stage) throw new Error(`line ${instruction.line}: ${instruction.keyword} before any FROM`);
    stage.instructions.push(instruction);
    switch (instruction.keyword) {
      case 'COPY':
      case 'ADD': {
        const { options, remainder } = optionsOf(instruction.rest);
        const paths = remainder.trim().startsWith('[')
          ? (JSON.parse(remainder) as string[])
          : remainder.trim().split(/\s+/);
        const destination = paths.pop() ?? '';
        stage.copies.push({
          from: options.from,
          sources: paths,
          destination: absoluteIn(stage, destination),
          intoFolder: paths.length > 1 || destination.endsWith('/') || destination === '.',
          line: instruction.line,
        });
        break;
      }
      case 'ENV':
        Object.assign(stage.env, envOf(instruction.rest));
        break;
      case 'WORKDIR':
        stage.workdir = instruction.rest.startsWith('/')
          ? instruction.rest
          : `${stage.workdir.replace(/\/$/, '')}/${instruction.rest}`;
        break;
      case 'USER':
        stage.user = instruction.rest.trim();
        break;
      case 'CMD':
        stage.command = commandOf(instruction.rest);
        break;
      case 'ENTRYPOINT':
        stage.entrypoint = commandOf(instruction.rest);
        break;
      case 'HEALTHCHECK': {
        const { remainder } = optionsOf(instruction.rest);
        stage.healthcheck =
          remainder.trim() === 'NONE' ? undefined : commandOf(remainder.replace(/^CMD\s+/, ''));
        break;
      }
      case 'EXPOSE':
        stage.exposed.push(...instruction.rest.split(/\s+/).map((port) => Number.parseInt(port, 10)));
        break;
    }
  }
  const final = stages.at(-1);
  if (!final) throw new Error('no FROM in the Dockerfile');
  return { stages, final };
}

/** Where a path lands in a stage: `./api` with WORKDIR /app → /app/api; `./` → /app. */
export function absoluteIn(stage: Pick<Stage, 'workdir'>, path: string): string {
  if (path.startsWith('/')) return path.length > 1 ? path.replace(/\/$/, '') : path;
  const relative = path.replace(/^\.\/?/, '').replace(/\/$/, '');
  const base = stage.workdir.replace(/\/$/, '');
  return relative === '' || relative === '.' ? base || '/' : `${base}/${relative}`;
}
