import path from 'node:path';
import { createLogger, env, loadConfig, runMain } from '@talkrec/platform';
import { EmbeddedNats } from './embedded-nats.js';
import { SERVICES, serviceEntry } from './services.js';
import { Supervised } from './supervisor.js';

/**
 * `npm start`: the whole system on one machine. Without NATS_URL it starts a local nats-server with
 * JetStream (data under ./var); then the four services. Recordings go to ./recordings unless a
 * Nextcloud is configured. Ctrl-C stops everything it started.
 */
const launcherShape = {
  NATS_URL: env.optionalUrl(['nats', 'tls']),
  /** Folder for ./var (NATS data) and ./recordings. */
  TALKREC_HOME: env.string(process.cwd()),
  TALKREC_NATS_PORT: env.int({ default: 4222, min: 1, max: 65535 }),
  /** Ops ports are OPS_PORT_BASE + 1 … + 4 (controller, capture, encoder, uploader). */
  TALKREC_OPS_PORT_BASE: env.int({ default: 9100, min: 1, max: 65500 }),
  LOG_LEVEL: env.string('info'),
  STOP_GRACE_S: env.int({ default: 60, min: 1, max: 3600 }),
};

runMain('launcher', async () => {
  const config = loadConfig(launcherShape);
  const log = createLogger({ service: 'launcher', instanceId: String(process.pid), level: config.LOG_LEVEL });
  const nats = config.NATS_URL
    ? undefined
    : new EmbeddedNats(config.TALKREC_HOME, config.TALKREC_NATS_PORT, log);
  await nats?.start();
  const natsUrl = config.NATS_URL ?? nats!.url;

  const children = SERVICES.map(
    (s, i) =>
      new Supervised(
        {
          name: s.name,
          entry: serviceEntry(s.name),
          env: {
            LOCAL_RECORDINGS_DIR: path.join(config.TALKREC_HOME, 'recordings'),
            ...process.env,
            NATS_URL: natsUrl,
            OPS_LISTEN:
              process.env[`${s.name.toUpperCase()}_OPS_LISTEN`] ??
              `127.0.0.1:${config.TALKREC_OPS_PORT_BASE + i + 1}`,
          },
        },
        log,
      ),
  );
  for (const child of children) child.start();
  log.info({ nats: natsUrl, home: config.TALKREC_HOME }, 'talkrec running; Ctrl-C to stop');

  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping services');
    await Promise.all(children.map((c) => c.stop(signal, config.STOP_GRACE_S * 1000)));
    await nats?.stop();
    log.info('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
});
