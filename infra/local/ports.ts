/** TCP ports of the local stack; each one can be changed through its environment variable. */
export interface LocalPorts {
  app: number;
  temporal: number;
  temporalUi: number;
  dynamodb: number;
  s3: number;
  moto: number;
  stripe: number;
  /** stripe-mock's HTTPS port: always the HTTP port + 1. */
  stripeHttps: number;
  keycloak: number;
  /** The SMTP relay Keycloak sends its emails to (forwarded to moto's SES). */
  smtp: number;
  /** The built-in route optimiser (VROOM behind infra/local/vroom-service.py). */
  vroom: number;
  /** The Kubernetes API server (HTTPS). */
  kubernetes: number;
  /** etcd's client port, the API server's storage. */
  etcd: number;
  /** etcd's peer port: always the client port + 1. */
  etcdPeer: number;
}

type ConfigurablePort = Exclude<keyof LocalPorts, 'stripeHttps' | 'etcdPeer'>;

/** Default port and environment variable of each configurable port. */
export const portSettings: Record<ConfigurablePort, { variable: string; defaultPort: number }> = {
  app: { variable: 'COCAGNE_PORT_APP', defaultPort: 8080 },
  temporal: { variable: 'COCAGNE_PORT_TEMPORAL', defaultPort: 7233 },
  temporalUi: { variable: 'COCAGNE_PORT_TEMPORAL_UI', defaultPort: 8233 },
  dynamodb: { variable: 'COCAGNE_PORT_DYNAMODB', defaultPort: 8000 },
  s3: { variable: 'COCAGNE_PORT_S3', defaultPort: 7070 },
  moto: { variable: 'COCAGNE_PORT_MOTO', defaultPort: 5055 },
  stripe: { variable: 'COCAGNE_PORT_STRIPE', defaultPort: 12111 },
  keycloak: { variable: 'COCAGNE_PORT_KEYCLOAK', defaultPort: 8180 },
  smtp: { variable: 'COCAGNE_PORT_SMTP', defaultPort: 2525 },
  vroom: { variable: 'COCAGNE_PORT_VROOM', defaultPort: 5056 },
  kubernetes: { variable: 'COCAGNE_PORT_KUBERNETES', defaultPort: 6443 },
  etcd: { variable: 'COCAGNE_PORT_ETCD', defaultPort: 2479 },
};

function readPort(env: NodeJS.ProcessEnv, key: ConfigurablePort): number {
  const { variable, defaultPort } = portSettings[key];
  const raw = env[variable]?.trim();
  if (!raw) return defaultPort;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`${variable}=${raw} is not a TCP port (1-65535).`);
  }
  return port;
}

export function localPorts(env: NodeJS.ProcessEnv = process.env): LocalPorts {
  const stripe = readPort(env, 'stripe');
  const etcd = readPort(env, 'etcd');
  return {
    app: readPort(env, 'app'),
    temporal: readPort(env, 'temporal'),
    temporalUi: readPort(env, 'temporalUi'),
    dynamodb: readPort(env, 'dynamodb'),
    s3: readPort(env, 's3'),
    moto: readPort(env, 'moto'),
    stripe,
    stripeHttps: stripe + 1,
    keycloak: readPort(env, 'keycloak'),
    smtp: readPort(env, 'smtp'),
    vroom: readPort(env, 'vroom'),
    kubernetes: readPort(env, 'kubernetes'),
    etcd,
    etcdPeer: etcd + 1,
  };
}
