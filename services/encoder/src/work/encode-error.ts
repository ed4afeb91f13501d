import { TalkrecError } from '@talkrec/platform';

/**
 * A job that cannot succeed as it is (a corrupt or missing segment, a failed verification) or that
 * should be tried again later (`retryable`, e.g. the media store could not be read).
 */
export class EncodeError extends TalkrecError {
  constructor(
    code: string,
    message: string,
    readonly retryable = false,
    options?: ErrorOptions,
  ) {
    super(code, message, options);
  }
}
