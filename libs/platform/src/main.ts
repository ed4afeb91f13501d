import { hostname } from 'node:os';
import { ConfigError } from './errors.js';
import { createLogger } from './logger.js';

/**
 * Runs a service's start function; a bad configuration exits 2 with every bad key named, any other
 * start failure exits 1, both with one clear log line.
 */
export function runMain(service: string, start: () => Promise<unknown>): void {
  start().catch((err: unknown) => {
    const log = createLogger({ service, instanceId: `${hostname()}-${process.pid}`, level: 'info' });
    if (err instanceof ConfigError) {
      log.fatal({ problems: err.problems }, err.message);
      process.exit(2);
    }
    log.fatal({ err }, 'start failed');
    process.exit(1);
  });
}
