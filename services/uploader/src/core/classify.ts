import { MediaIntegrityError, errorMessage } from '@talkrec/platform';
import {
  DestinationRefused,
  DestinationUnreachable,
  UploadMisconfigured,
  UploadNotConfirmed,
  UploadRejected,
  UploadTooLarge,
} from './errors.js';

/** Whose fault a failed attempt is, and whether trying again can help. */
export interface Failure {
  retryable: boolean;
  /** `destination`: Nextcloud/WebDAV refused or is away; `ours`: config, media, local disk, bus. */
  side: 'destination' | 'ours';
  /** Stable code for the `failed` event and metrics. */
  code: string;
  reason: string;
  /** 507: the destination's storage is full, which an admin can fix while we keep retrying. */
  storageFull: boolean;
}

const fail = (side: Failure['side'], code: string, reason: string): Failure => ({
  retryable: false,
  side,
  code,
  reason,
  storageFull: false,
});
const retry = (side: Failure['side'], code: string, reason: string, storageFull = false): Failure => ({
  retryable: true,
  side,
  code,
  reason,
  storageFull,
});

/** Talk errors that come from a passing I/O problem on its side rather than from the recording. */
const TRANSIENT_TALK_CODES = new Set(['fopen_failed', 'fstat_failed']);

function httpFailure(err: DestinationRefused): Failure {
  const { status, message } = err;
  if (status === 507) return retry('destination', 'destination_storage_full', message, true);
  if (status >= 500) return retry('destination', 'destination_error', message);
  if ([408, 423, 425, 429].includes(status)) return retry('destination', 'destination_busy', message);
  // A folder removed while we upload into it: the next attempt creates it again.
  if (status === 409) return retry('destination', 'destination_conflict', message);
  if (status === 401 || status === 403) {
    return fail('destination', 'destination_auth', `${message} (wrong credentials or no permission)`);
  }
  if (status === 404) return fail('destination', 'destination_not_found', message);
  if (status === 413) return fail('destination', 'too_large', message);
  return fail('destination', 'destination_refused', message);
}

const LOCAL_RETRYABLE = new Set(['ENOSPC', 'EDQUOT', 'EMFILE', 'ENFILE', 'EBUSY', 'EAGAIN', 'EIO']);
const LOCAL_FATAL = new Set(['EACCES', 'EPERM', 'EROFS', 'EISDIR', 'ENOTDIR', 'ENAMETOOLONG']);

/**
 * The one place that decides what a failed upload attempt means (egress's `IsDestinationError`):
 * network trouble, 5xx (507 included: an admin may free space) and timeouts are retried; a 4xx that
 * cannot succeed, a refused recording, bad config or bad media fail at once with the reason.
 */
export function classifyFailure(err: unknown): Failure {
  if (err instanceof DestinationRefused) return httpFailure(err);
  if (err instanceof DestinationUnreachable) return retry('destination', err.code, err.message);
  if (err instanceof UploadRejected) {
    if (TRANSIENT_TALK_CODES.has(err.talkCode)) return retry('destination', err.code, err.message);
    // Talk's "size": PHP dropped a multipart body over post_max_size.
    if (err.talkCode === 'size') return fail('destination', 'too_large', err.message);
    return fail('destination', err.code, err.message);
  }
  if (err instanceof UploadTooLarge) return fail('destination', err.code, err.message);
  if (err instanceof UploadNotConfirmed) return retry('destination', err.code, err.message);
  if (err instanceof UploadMisconfigured) return fail('ours', err.code, err.message);
  if (err instanceof MediaIntegrityError) {
    // A read that broke off may work next time; a missing or different file will not.
    if (err.code === 'media_corrupt') return retry('ours', err.code, err.message);
    return fail('ours', err.code, err.message);
  }
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code === 'string' && LOCAL_RETRYABLE.has(code)) {
    return retry('ours', 'local_io', errorMessage(err));
  }
  if (typeof code === 'string' && LOCAL_FATAL.has(code)) return fail('ours', 'local_path', errorMessage(err));
  return retry('ours', 'internal_error', errorMessage(err));
}
