import { readFileSync } from 'node:fs';
import {
  DebugEvents,
  Events,
  connect,
  credsAuthenticator,
  type ConnectionOptions,
  type NatsConnection,
} from 'nats';
import type { NatsAuthConfig } from '../config/base.js';
import type { Logger } from '../logger.js';

export interface BusOptions {
  /** Connection name shown in the server's monitoring (`talkrec-capture/<instance>`). */
  name: string;
  log: Logger;
}

export function natsConnectionOptions(config: NatsAuthConfig, name: string): ConnectionOptions {
  const url = new URL(config.NATS_URL);
  const options: ConnectionOptions = {
    servers: config.NATS_URL,
    name,
    // Never give up: a restarting nats-server must not take the services down with it.
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
    waitOnFirstConnect: true,
    pingInterval: 10_000,
  };
  if (config.NATS_CREDS_FILE) {
    options.authenticator = credsAuthenticator(readFileSync(config.NATS_CREDS_FILE));
  }
  if (config.NATS_USER) options.user = config.NATS_USER;
  if (config.NATS_PASSWORD) options.pass = config.NATS_PASSWORD;
  if (config.NATS_TOKEN) options.token = config.NATS_TOKEN;
  if (config.NATS_TLS_CA_FILE || url.protocol === 'tls:') {
    options.tls = {
      ...(config.NATS_TLS_CA_FILE ? { caFile: config.NATS_TLS_CA_FILE } : {}),
      ...(config.NATS_TLS_CERT_FILE ? { certFile: config.NATS_TLS_CERT_FILE } : {}),
      ...(config.NATS_TLS_KEY_FILE ? { keyFile: config.NATS_TLS_KEY_FILE } : {}),
    };
  }
  return options;
}

/** Connects and logs every connection state change; reconnects forever. */
export async function connectBus(config: NatsAuthConfig, opts: BusOptions): Promise<NatsConnection> {
  const nc = await connect(natsConnectionOptions(config, opts.name));
  opts.log.info({ server: nc.getServer() }, 'nats connected');
  void (async () => {
    for await (const s of nc.status()) {
      if (s.type === DebugEvents.PingTimer) continue;
      const level = s.type === Events.Disconnect || s.type === Events.Error ? 'warn' : 'info';
      opts.log[level](
        { status: s.type, data: typeof s.data === 'string' ? s.data : undefined },
        'nats status',
      );
    }
  })();
  return nc;
}
