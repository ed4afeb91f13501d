import { createHmac, timingSafeEqual } from 'node:crypto';

/** hex HMAC-SHA256(secret, random + body): how Talk and its recording server sign each other's requests. */
export function talkChecksum(secret: string, random: string, body: Buffer | string): string {
  return createHmac('sha256', secret).update(random).update(body).digest('hex');
}

export interface TalkAuthBackend {
  id: string;
  /** Nextcloud base URL without a trailing slash. */
  url: string;
  recordingSecret?: string | undefined;
}

export interface TalkAuthHeaders {
  random?: string | undefined;
  checksum?: string | undefined;
  backend?: string | undefined;
}

export type TalkAuthResult<B> = { ok: true; backend: B } | { ok: false; reason: string };

/** The headers are all there and name a backend with a recording secret (checked before the body is read). */
export function talkRequestBackend<B extends TalkAuthBackend>(
  headers: TalkAuthHeaders,
  backends: readonly B[],
): TalkAuthResult<B> {
  const { random, checksum, backend: backendUrl } = headers;
  if (!random) return { ok: false, reason: 'missing random' };
  if (!checksum) return { ok: false, reason: 'missing checksum' };
  if (!backendUrl) return { ok: false, reason: 'missing backend' };
  const wanted = backendUrl.replace(/\/+$/, '');
  const backend = backends.find((b) => b.url === wanted);
  if (!backend) return { ok: false, reason: 'unknown backend' };
  if (!backend.recordingSecret) return { ok: false, reason: 'backend has no recording secret' };
  return { ok: true, backend };
}

/**
 * The recording server's check of a request from Talk: every header present, the backend known (its URL
 * with trailing `/` trimmed), and the checksum equal to the HMAC with that backend's secret, compared in
 * constant time. Any failure is one answer for the caller: 403.
 */
export function verifyTalkRequest<B extends TalkAuthBackend>(
  headers: TalkAuthHeaders,
  body: Buffer,
  backends: readonly B[],
): TalkAuthResult<B> {
  const found = talkRequestBackend(headers, backends);
  if (!found.ok) return found;
  const expected = Buffer.from(talkChecksum(found.backend.recordingSecret!, headers.random!, body), 'utf8');
  const got = Buffer.from(headers.checksum!.toLowerCase(), 'utf8');
  if (expected.length !== got.length || !timingSafeEqual(expected, got)) {
    return { ok: false, reason: 'checksum mismatch' };
  }
  return found;
}
