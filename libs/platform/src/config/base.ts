import { hostname } from 'node:os';
import { env } from './env.js';

/** Keys every service reads: its own bus, logging, the ops listener, and who it is. */
export const baseConfigShape = {
  /** talkrec's own NATS (JetStream). */
  NATS_URL: env.url(['nats', 'tls'], 'nats://127.0.0.1:4222'),
  /** A NATS .creds file (JWT + nkey). */
  NATS_CREDS_FILE: env.optionalString(),
  NATS_USER: env.optionalString(),
  NATS_PASSWORD: env.optionalSecret(),
  NATS_TOKEN: env.optionalSecret(),
  /** CA bundle to verify the NATS server's certificate; setting it turns TLS on. */
  NATS_TLS_CA_FILE: env.optionalString(),
  /** Client certificate and key for mutual TLS. */
  NATS_TLS_CERT_FILE: env.optionalString(),
  NATS_TLS_KEY_FILE: env.optionalString(),
  LOG_LEVEL: env.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'], 'info'),
  /** Unique per process; appears in logs, heartbeats and leases. */
  INSTANCE_ID: env.string(`${hostname()}-${process.pid}`),
  /** Seconds a SIGTERM waits for in-flight work before giving it back. */
  DRAIN_TIMEOUT_S: env.int({ default: 30, min: 1, max: 3600 }),
};

/** The ops listener (/healthz, /readyz, /metrics); each service gives its own default port. */
export const opsListenKey = (defaultListen: string) => ({ OPS_LISTEN: env.listen(defaultListen) });

export type NatsAuthConfig = {
  NATS_URL: string;
  NATS_CREDS_FILE?: string | undefined;
  NATS_USER?: string | undefined;
  NATS_PASSWORD?: string | undefined;
  NATS_TOKEN?: string | undefined;
  NATS_TLS_CA_FILE?: string | undefined;
  NATS_TLS_CERT_FILE?: string | undefined;
  NATS_TLS_KEY_FILE?: string | undefined;
};
