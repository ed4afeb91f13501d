import { TalkRequestUploadAnswer } from '@talkrec/contracts';
import { DestinationRefused, UploadRejected } from './errors.js';

/** What `request-upload` decided. */
export type RequestUploadOutcome =
  | { kind: 'share'; share: TalkRequestUploadAnswer }
  /** This Talk cannot take a chunked upload (too old, or link sharing/public upload disabled). */
  | { kind: 'fallback'; reason: string };

/** Refusals that the multipart `store` would repeat, so falling back to it cannot help. */
const PERMANENT_REQUEST_UPLOAD_CODES = new Set([
  'owner_participant',
  'owner_invalid',
  'owner_permission',
  'file_name',
  'file_extension',
]);

interface OcsBody {
  ocs?: { meta?: { message?: string }; data?: unknown };
}

function ocsData(body: unknown): unknown {
  return (body as OcsBody | undefined)?.ocs?.data;
}

/** Talk's error code in an OCS answer: `data.error` (400s) or `data.error.code` (401 invalid_request). */
export function talkErrorCode(body: unknown): string | undefined {
  const data = ocsData(body) as { error?: unknown } | undefined;
  if (typeof data?.error === 'string') return data.error;
  const nested = (data?.error as { code?: unknown } | undefined)?.code;
  return typeof nested === 'string' ? nested : undefined;
}

function refusal(operation: string, status: number, body: unknown): DestinationRefused {
  const code = talkErrorCode(body);
  const hint = status === 401 ? ' (Talk did not accept the signature: check the recording secret)' : '';
  return new DestinationRefused(status, operation, `${code ?? ''}${hint}`.trim());
}

/**
 * Talk's answer to `request-upload`: a share; a fallback to the multipart `store` on 404 (no such
 * endpoint) or 400 (sharing disabled, or a refusal we cannot name); an error otherwise.
 */
export function readRequestUpload(status: number, body: unknown): RequestUploadOutcome {
  const operation = 'talk request-upload';
  if (status === 200) {
    const parsed = TalkRequestUploadAnswer.safeParse(ocsData(body));
    if (!parsed.success) {
      throw new DestinationRefused(502, operation, 'answer without token/password/fileName');
    }
    return { kind: 'share', share: parsed.data };
  }
  if (status === 404) return { kind: 'fallback', reason: 'Talk has no request-upload endpoint' };
  if (status === 400) {
    const code = talkErrorCode(body);
    if (code && PERMANENT_REQUEST_UPLOAD_CODES.has(code)) throw new UploadRejected(code, operation);
    return { kind: 'fallback', reason: `request-upload refused (${code ?? 'no reason given'})` };
  }
  throw refusal(operation, status, body);
}

/** Talk's answer to `store`: nothing on 200; its refusal code on 400; the HTTP error otherwise. */
export function readStore(status: number, body: unknown, operation: string): void {
  if (status === 200) return;
  const code = talkErrorCode(body);
  if (status === 400 && code) throw new UploadRejected(code, operation);
  throw refusal(operation, status, body);
}
