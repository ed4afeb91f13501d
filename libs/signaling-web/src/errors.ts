import type { ErrorBody } from './wire.js';

/** An `error` answer of the signaling server, or a local timeout (`code: 'timeout'`). */
export class SignalingError extends Error {
  override readonly name = 'SignalingError';

  constructor(
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }

  static from(body: ErrorBody | undefined): SignalingError {
    return new SignalingError(
      body?.code ?? 'unknown',
      body?.message ?? body?.code ?? 'unknown error',
      body?.details,
    );
  }
}

/** Hello errors no retry can fix: wrong secret, unknown backend, no internal clients, refused ticket. */
export const fatalHelloErrors: ReadonlySet<string> = new Set([
  'invalid_token',
  'invalid_backend',
  'invalid_client_type',
  'auth_failed',
  'invalid_ticket',
  'hello_expected',
  'invalid_hello_version',
]);
