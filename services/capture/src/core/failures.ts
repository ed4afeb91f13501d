import { TalkrecError } from '@talkrec/platform';

/**
 * Why a capture attempt ended early. `permanent` failures fail the recording; the others hand the job
 * back so this or another instance continues the recording (with the gap recorded).
 */
export class CaptureError extends TalkrecError {
  constructor(
    code: string,
    message: string,
    readonly permanent = false,
    options?: ErrorOptions,
  ) {
    super(code, message, options);
  }
}

/** Page errors that no retry fixes: the signaling server refused the internal client's credentials. */
const PERMANENT_PAGE_ERRORS = new Set([
  'invalid_token',
  'invalid_backend',
  'invalid_client_type',
  'auth_failed',
]);

export function pageError(code: string, message: string): CaptureError {
  return new CaptureError(`page_${code}`, message, PERMANENT_PAGE_ERRORS.has(code));
}
