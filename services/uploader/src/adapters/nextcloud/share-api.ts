import { injectable } from 'tsyringe';
import { DestinationRefused } from '../../core/errors.js';
import { httpCall, jsonOf } from '../http/http-client.js';

export interface ShareAccount {
  /** Nextcloud base URL, no trailing slash. */
  base: string;
  username: string;
  password: string;
}

/** `shared`, or `refused` with Nextcloud's reason (not a participant, conversation gone, …). */
export type RoomShareOutcome = { kind: 'shared' } | { kind: 'refused'; reason: string };

const SHARES_PATH = '/ocs/v2.php/apps/files_sharing/api/v1/shares';
/** Talk's share type for "share into a conversation". */
const SHARE_TYPE_ROOM = 10;

/**
 * Nextcloud's OCS share API, used to share an uploaded recording into its conversation. A second
 * share of the same file (403 "already shared") counts as shared, so a retried job is harmless.
 */
@injectable()
export class ShareApi {
  async shareIntoRoom(
    account: ShareAccount,
    path: string,
    roomToken: string,
    options: { signal: AbortSignal; timeoutMs: number },
  ): Promise<RoomShareOutcome> {
    const answer = await httpCall({
      ...options,
      method: 'POST',
      url: `${account.base}${SHARES_PATH}`,
      operation: 'nextcloud share into room',
      headers: {
        Authorization: `Basic ${Buffer.from(`${account.username}:${account.password}`).toString('base64')}`,
        'OCS-APIRequest': 'true',
        Accept: 'application/json',
        'Content-Type': 'application/json',
      },
      body: Buffer.from(JSON.stringify({ path, shareType: SHARE_TYPE_ROOM, shareWith: roomToken })),
    });
    const message =
      (jsonOf(answer) as { ocs?: { meta?: { message?: string } } } | undefined)?.ocs?.meta?.message ?? '';
    if (answer.status === 200) return { kind: 'shared' };
    if (answer.status === 403 && /already shared/i.test(message)) return { kind: 'shared' };
    if (answer.status >= 400 && answer.status < 500 && ![401, 408, 429].includes(answer.status)) {
      return { kind: 'refused', reason: `${answer.status} ${message}`.trim() };
    }
    throw new DestinationRefused(answer.status, 'nextcloud share into room', message);
  }
}
