import { randomBytes } from 'node:crypto';
import { injectable } from 'tsyringe';
import { talkBotHeaders, talkBotMessagePath } from '@talkrec/contracts';
import { talkChecksum } from '../core/talk-auth.js';
import { TALKREC_VERSION } from '../version.js';

export interface BotPost {
  /** Nextcloud base URL without a trailing slash. */
  baseUrl: string;
  secret: string;
  roomToken: string;
  message: string;
  /** Lets Talk (and an admin) find the message again. */
  referenceId: string;
}

export type BotResult =
  | { kind: 'posted'; status: number }
  /** Talk answered and will not change its mind: wrong secret or bot not set up (401), bad message… */
  | { kind: 'refused'; status: number; reason: string }
  /** Nextcloud unreachable or failing (5xx, 429, timeout): worth another try. */
  | { kind: 'unavailable'; reason: string };

const TIMEOUT_MS = 10_000;

/** Why Talk refused, in words an admin can act on. */
const REFUSALS: Record<number, string> = {
  400: 'Talk refused the message as malformed (400)',
  401: 'Talk rejected the bot signature (401): the bot secret is wrong, or the bot is not set up in this conversation',
  404: 'the conversation does not exist (404)',
  412: 'Talk refused the request without OCS-APIRequest (412)',
  413: 'the message is longer than Talk allows (413)',
};

/** Posts chat messages through Talk's bot API, signed the way Talk checks them. */
@injectable()
export class TalkBotClient {
  async post(p: BotPost): Promise<BotResult> {
    // Talk wants at least 32 characters; 32 random bytes in hex make 64, like Talk's own documentation.
    const random = randomBytes(32).toString('hex');
    let res: Response;
    try {
      res = await fetch(p.baseUrl + talkBotMessagePath(p.roomToken), {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
          'ocs-apirequest': 'true',
          'user-agent': `talkrec/${TALKREC_VERSION}`,
          [talkBotHeaders.random]: random,
          // Over the message text, not the request body.
          [talkBotHeaders.signature]: talkChecksum(p.secret, random, p.message),
        },
        body: JSON.stringify({ message: p.message, referenceId: p.referenceId, silent: false }),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (err) {
      return { kind: 'unavailable', reason: (err as Error).message };
    }
    await res.text().catch(() => '');
    if (res.status === 201 || res.ok) return { kind: 'posted', status: res.status };
    if (res.status >= 500 || res.status === 429 || res.status === 408) {
      return { kind: 'unavailable', reason: `HTTP ${res.status}` };
    }
    return {
      kind: 'refused',
      status: res.status,
      reason: REFUSALS[res.status] ?? `Talk answered ${res.status}`,
    };
  }
}
