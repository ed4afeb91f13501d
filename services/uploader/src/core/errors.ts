import { TalkrecError } from '@talkrec/platform';

/** The destination answered an upload request with an HTTP error status. */
export class DestinationRefused extends TalkrecError {
  constructor(
    readonly status: number,
    readonly operation: string,
    readonly detail: string,
    options?: ErrorOptions,
  ) {
    super(`http_${status}`, `${operation}: ${status}${detail ? ` ${detail}` : ''}`, options);
  }
}

/** The destination could not be reached, or the connection broke or stalled mid-request. */
export class DestinationUnreachable extends TalkrecError {
  constructor(
    readonly operation: string,
    detail: string,
    options?: ErrorOptions,
  ) {
    super('destination_unreachable', `${operation}: ${detail}`, options);
  }
}

/** Talk refused the recording with one of its error codes (`file_mimetype`, `owner_permission`, …). */
export class UploadRejected extends TalkrecError {
  constructor(
    readonly talkCode: string,
    readonly operation: string,
  ) {
    super(`talk_${talkCode}`, `${operation}: Talk answered ${talkCode}`);
  }
}

/** The file is larger than the destination accepts, even in the smallest chunks allowed. */
export class UploadTooLarge extends TalkrecError {
  constructor(message: string, options?: ErrorOptions) {
    super('too_large', message, options);
  }
}

/** The destination accepted the upload but does not show the file as expected afterwards. */
export class UploadNotConfirmed extends TalkrecError {
  constructor(message: string) {
    super('not_confirmed', message);
  }
}

/** Our configuration cannot serve this job (unknown account or backend, no secret, bad path). */
export class UploadMisconfigured extends TalkrecError {}

/** The HTTP status of a destination's refusal, if that is what `err` is. */
export const statusOf = (err: unknown): number | undefined =>
  err instanceof DestinationRefused ? err.status : undefined;
