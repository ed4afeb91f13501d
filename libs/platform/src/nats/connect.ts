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
  // The first connect retries for ever (a nats-server may start after us); say so while it does, since a
  // wrong URL, credential or certificate would otherwise look like a silent hang.
  const started = Date.now();
  const shownUrl = new URL(config.NATS_URL);
  shownUrl.username = shownUrl.password = '';
  const waiting = setInterval(
    () =>
      opts.log.warn(
        { url: config.NATS_URL, waitingS: Math.round((Date.now() - started) / 1000) },
        'still connecting to nats',
      ),
    10_000,
  );
  let nc: NatsConnection;
  try {
    nc = await connect(natsConnectionOptions(config, opts.name));
  } finally {
    clearInterval(waiting);
  }
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
