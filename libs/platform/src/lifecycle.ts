import type { Logger } from './logger.js';

export type StopMode = 'drain' | 'stop';

export interface RunningService {
  /** drain (SIGTERM): finish or hand back in-flight work, then exit; stop (SIGINT): stop now. */
  stop(mode: StopMode): Promise<void>;
}

/**
 * Installs the signal handling every service shares: SIGTERM drains, SIGINT stops, a second signal
 * exits at once. Resolves when the service has stopped; the caller exits.
 */
export function handleSignals(service: RunningService, log: Logger): Promise<StopMode> {
  return new Promise((resolve) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) {
        log.warn({ signal }, 'second signal, exiting now');
        process.exit(130);
      }
      stopping = true;
      const mode: StopMode = signal === 'SIGTERM' ? 'drain' : 'stop';
      log.info({ signal, mode }, 'stopping');
      service.stop(mode).then(
        () => resolve(mode),
        (err: unknown) => {
          log.error({ err }, 'stop failed');
          resolve(mode);
        },
      );
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}

let guarded = false;

/** Keeps the process alive on a stray rejection, but makes it loud. Installed once per process. */
export function guardProcess(log: Logger): void {
  if (guarded) return;
  guarded = true;
  process.on('unhandledRejection', (reason) => log.error({ err: reason }, 'unhandled rejection'));
  process.on('uncaughtException', (err) => {
    log.fatal({ err }, 'uncaught exception');
    process.exitCode = 1;
  });
}
