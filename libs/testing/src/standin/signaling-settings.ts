import { randomBytes } from 'node:crypto';
import { TALK_MIN_RANDOM_LENGTH, talkNextcloudPaths, talkRecordingHeaders } from '@talkrec/contracts';
import { checksumMatches } from './checksum.js';
import type { Ctx } from './http.js';
import type { NextcloudStandIn } from './index.js';
import { ocs, requireOcsHeader } from './ocs.js';

type IceServer = { urls: string[]; username?: string; credential?: string };

/**
 * Talk's signaling settings for a recording server (`GET …/api/v3/signaling/settings?token=`, hpb-mcu
 * research §11, spreed `SignalingController::getSettings`): with the `Talk-Recording-Random/-Checksum`
 * headers Talk checks an HMAC over the random alone (empty body) with the recording secret, answers 401
 * on a bad one, 404 for an unknown room, and otherwise the HPB's URL and the STUN/TURN servers.
 */
export class SignalingSettingsStandIn {
  /** What Talk is configured with; the HPB URL is the signaling server the stack started. */
  stunServers: IceServer[] = [{ urls: ['stun:127.0.0.1:3478'] }];
  turnServers: IceServer[] = [];
  /** Requests answered, by room token (for assertions). */
  readonly served: string[] = [];

  constructor(private readonly nc: NextcloudStandIn) {
    nc.http.on('GET', talkNextcloudPaths.signalingSettings('').split('?')[0]!, (ctx) => this.settings(ctx));
  }

  private violation(ctx: Ctx, problem: string): void {
    this.nc.violations.push({ at: Date.now(), area: 'signaling-settings', path: ctx.path, problem });
  }

  private settings(ctx: Ctx): void {
    if (!requireOcsHeader(ctx)) {
      this.violation(ctx, 'OCS-APIRequest header missing');
      return;
    }
    const random = String(ctx.req.headers[talkRecordingHeaders.random] ?? '');
    const checksum = String(ctx.req.headers[talkRecordingHeaders.checksum] ?? '');
    if (!random && !checksum) {
      // Without the recording headers Talk wants a logged-in user, which a recording server is not.
      this.violation(ctx, 'signaling settings requested without recording headers');
      ocs(ctx, 401, []);
      return;
    }
    if (
      random.length < TALK_MIN_RANDOM_LENGTH ||
      !checksumMatches(this.nc.recordingSecret, random, '', checksum)
    ) {
      this.violation(ctx, 'bad Talk-Recording checksum on signaling settings');
      ocs(ctx, 401, []);
      return;
    }
    const token = ctx.query.get('token') ?? '';
    if (!this.nc.directory.rooms.has(token)) {
      ocs(ctx, 404, [], 'Room not found');
      return;
    }
    this.served.push(token);
    const ticket = randomBytes(16).toString('hex');
    ocs(ctx, 200, {
      signalingMode: 'external',
      userId: null,
      hideWarning: true,
      server: `${this.nc.hpb.signalingUrl}/`,
      ticket,
      helloAuthParams: { '1.0': { userid: null, ticket }, '2.0': { token: ticket } },
      federation: null,
      stunservers: this.stunServers,
      turnservers: this.turnServers,
      sipDialinInfo: '',
    });
  }
}
