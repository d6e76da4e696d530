import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { UserFacingError } from './log.ts';
import { minimumGo, minimumJava } from './versions.ts';

/** The java binary: $JAVA_HOME/bin/java when JAVA_HOME is set, else java from the PATH. */
export function javaCommand(env: NodeJS.ProcessEnv = process.env): string {
  return env.JAVA_HOME ? join(env.JAVA_HOME, 'bin', 'java') : 'java';
}

function output(command: string, args: string[]): string | undefined {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.error || result.status !== 0) return undefined;
  return `${result.stdout}${result.stderr}`;
}

/** Java 17+ runs DynamoDB Local and Keycloak. */
export function requireJava(): void {
  const java = javaCommand();
  const text = output(java, ['-version']);
  const match = text?.match(/version "(\d+)(?:\.(\d+))?/);
  const major = match ? (match[1] === '1' ? Number(match[2]) : Number(match[1])) : 0;
  if (!text) {
    throw new UserFacingError(
      `Java ${minimumJava}+ is needed (DynamoDB Local, Keycloak) but \`${java}\` was not found: install a JDK or JRE ${minimumJava}+ (Debian: apt-get install openjdk-17-jre-headless) or set JAVA_HOME.`,
    );
  }
  if (major < minimumJava) {
    throw new UserFacingError(
      `Java ${minimumJava}+ is needed (DynamoDB Local, Keycloak) but \`${java}\` is Java ${major || 'of an unknown version'}: install Java ${minimumJava}+ or point JAVA_HOME at one.`,
    );
  }
}

/** Python 3.9+ with the venv module creates .tools/venv. */
export function requirePython(): void {
  const text = output('python3', [
    '-c',
    'import sys, venv, ensurepip; print("%d.%d" % sys.version_info[:2])',
  ]);
  if (!text) {
    throw new UserFacingError(
      'Python 3.9+ with venv is needed (Temporal CLI, moto): install python3 and its venv module (Debian: apt-get install python3 python3-venv).',
    );
  }
  const [major = 0, minor = 0] = text.trim().split('.').map(Number);
  if (major < 3 || (major === 3 && minor < 9)) {
    throw new UserFacingError(
      `Python 3.9+ is needed (Temporal CLI, moto) but python3 is ${text.trim()}: install a newer python3.`,
    );
  }
}

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const diff = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

/** Go builds versitygw and stripe-mock. */
export function requireGo(): void {
  const text = output('go', ['env', 'GOVERSION']);
  const version = text?.trim().match(/^go(\d+(?:\.\d+)*)/)?.[1];
  if (!version) {
    throw new UserFacingError(
      `Go ${minimumGo}+ is needed to build versitygw and stripe-mock but \`go\` was not found: install Go ${minimumGo}+ (https://go.dev/dl/ or your package manager).`,
    );
  }
  if (compareVersions(version, minimumGo) < 0) {
    throw new UserFacingError(
      `Go ${minimumGo}+ is needed to build versitygw and stripe-mock but go is ${version}: install a newer Go.`,
    );
  }
}
