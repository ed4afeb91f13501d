import { injectable } from 'tsyringe';
import { randomBytes } from 'node:crypto';
import { talkNextcloudPaths, talkRecordingHeaders, type TalkCallback } from '@talkrec/contracts';
import { talkChecksum } from '../core/talk-auth.js';
import { TALKREC_VERSION } from '../version.js';

export interface TalkBackend {
  id: string;
  url: string;
  recordingSecret?: string | undefined;
}

export type CallbackResult =
  | { kind: 'delivered'; status: number }
  /** Talk answered and will not change its mind (bad secret, unknown room, status not 3/4). */
  | { kind: 'refused'; status: number; body: string }
  /** Nextcloud unreachable or failing (5xx, timeout): worth another try. */
  | { kind: 'unavailable'; reason: string };

const TIMEOUT_MS = 10_000;

/** Callbacks to Talk's `…/recording/backend`, signed the way Talk checks them. */
@injectable()
export class TalkClient {
  async callback(backend: TalkBackend, callback: TalkCallback): Promise<CallbackResult> {
    if (!backend.recordingSecret) {
      return { kind: 'refused', status: 0, body: `backend ${backend.id} has no recording secret` };
    }
    const body = JSON.stringify(callback);
    // Talk requires at least 32 characters; 64 random bytes in base64url make 86, like the official recorder.
    const random = randomBytes(64).toString('base64url');
    let res: Response;
    try {
      res = await fetch(backend.url + talkNextcloudPaths.backendCallback, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
          'ocs-apirequest': 'true',
          'user-agent': `talkrec/${TALKREC_VERSION}`,
          [talkRecordingHeaders.random]: random,
          [talkRecordingHeaders.checksum]: talkChecksum(backend.recordingSecret, random, body),
        },
        body,
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (err) {
      return { kind: 'unavailable', reason: (err as Error).message };
    }
    const text = await res.text().catch(() => '');
    if (res.ok) return { kind: 'delivered', status: res.status };
    if (res.status >= 500 || res.status === 429 || res.status === 408) {
      return { kind: 'unavailable', reason: `HTTP ${res.status}` };
    }
    return { kind: 'refused', status: res.status, body: text.slice(0, 500) };
  }
}
