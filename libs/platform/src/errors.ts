/** Base of talkrec's own errors: a stable `code` to branch and count on, and the `cause` kept. */
export class TalkrecError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The configuration is invalid; the message names every bad key. */
export class ConfigError extends TalkrecError {
  constructor(readonly problems: readonly string[]) {
    super('config_invalid', `invalid configuration: ${problems.join('; ')}`);
  }
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
