import { randomBytes } from 'node:crypto';
import { inject, injectable } from 'tsyringe';
import {
  TalkSignalingSettings,
  talkNextcloudPaths,
  talkRecordingHeaders,
  type RecordingSpec,
} from '@talkrec/contracts';
import { TOKENS, resolveBackends, type BackendConfig, type Logger } from '@talkrec/platform';
import type { CaptureConfig } from '../../config.js';
import { CAPTURE_TOKENS } from '../../tokens.js';
import { CaptureError } from '../../core/failures.js';
import { hmacHex, signalingWebsocketUrl, type IceServer, type SignalingTarget } from '../../core/join.js';

const REQUEST_TIMEOUT_MS = 10_000;

/**
 * Where a recording's page connects: the backend's signaling URL, internal secret and STUN/TURN from
 * the config; whatever the config leaves out comes from Talk's signaling-settings endpoint, asked with
 * the recording secret (as the official recorder does). The internal secret never comes from Talk.
 */
@injectable()
export class SignalingTargets {
  private readonly backends: BackendConfig[];

  constructor(
    @inject(CAPTURE_TOKENS.Config) config: CaptureConfig,
    @inject(TOKENS.Logger) private readonly log: Logger,
  ) {
    this.backends = resolveBackends(config);
  }

  async resolve(spec: RecordingSpec): Promise<SignalingTarget> {
    const backend = this.backends.find((b) => b.id === spec.backend.id);
    if (!backend) {
      throw new CaptureError('backend_unknown', `backend ${spec.backend.id} is not configured`, true);
    }
    if (!backend.internalSecret) {
      throw new CaptureError(
        'signaling_not_configured',
        `backend ${backend.id} has no signaling internal secret`,
        true,
      );
    }
    let url = backend.signalingUrl;
    let iceServers: IceServer[] | undefined = backend.iceServers;
    if ((!url || !iceServers) && backend.recordingSecret) {
      try {
        const fromTalk = await this.askTalk(backend, spec.room.token);
        url ??= fromTalk.server;
        iceServers ??= fromTalk.iceServers;
      } catch (err) {
        if (!url) throw err;
        this.log.warn({ err, backend: backend.id }, 'talk signaling settings unavailable; using config');
      }
    }
    if (!url) {
      throw new CaptureError(
        'signaling_not_configured',
        `backend ${backend.id} has neither a signaling URL nor a recording secret to ask Talk for it`,
        true,
      );
    }
    return {
      url: signalingWebsocketUrl(url),
      internalSecret: backend.internalSecret,
      iceServers: iceServers ?? [],
    };
  }

  /** `GET …/signaling/settings?token=` signed with the recording secret (HMAC over the random alone). */
  private async askTalk(
    backend: BackendConfig,
    roomToken: string,
  ): Promise<{ server: string; iceServers: IceServer[] }> {
    const random = randomBytes(32).toString('hex');
    const res = await fetch(backend.url + talkNextcloudPaths.signalingSettings(roomToken), {
      headers: {
        'OCS-APIRequest': 'true',
        Accept: 'application/json',
        [talkRecordingHeaders.random]: random,
        [talkRecordingHeaders.checksum]: hmacHex(backend.recordingSecret!, random),
      },
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    }).catch((err: unknown) => {
      throw new CaptureError('talk_unreachable', `Talk signaling settings: ${(err as Error).message}`);
    });
    if (res.status === 401 || res.status === 403) {
      throw new CaptureError(
        'talk_settings_refused',
        `Talk refused the recording secret (${res.status})`,
        true,
      );
    }
    if (!res.ok) {
      throw new CaptureError('talk_settings_failed', `Talk signaling settings answered ${res.status}`);
    }
    const body = (await res.json().catch(() => undefined)) as { ocs?: { data?: unknown } } | undefined;
    const parsed = TalkSignalingSettings.safeParse(body?.ocs?.data);
    if (!parsed.success) {
      throw new CaptureError(
        'talk_settings_invalid',
        'Talk signaling settings are not in the expected shape',
      );
    }
    const settings = parsed.data;
    return {
      server: settings.server,
      iceServers: [
        ...settings.stunservers.map((s) => ({ urls: s.urls })),
        ...settings.turnservers.map((t) => ({
          urls: t.urls,
          username: t.username,
          credential: t.credential,
        })),
      ],
    };
  }
}
