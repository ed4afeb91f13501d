/** Where the lib writes its diagnostics; the pages forward it to their host. */
export interface Log {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
}

export const silentLog: Log = { debug: () => {}, info: () => {}, warn: () => {} };
