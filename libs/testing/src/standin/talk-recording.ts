import { randomBytes } from 'node:crypto';
import {
  TALK_MIN_RANDOM_LENGTH,
  TalkCallback,
  TalkRecordingStatus,
  talkNextcloudPaths,
  talkRecordingHeaders,
  talkRecordingServerPaths,
  type TalkActor,
} from '@talkrec/contracts';
import { checksumMatches, hmacHex } from './checksum.js';
import type { Ctx } from './http.js';
import type { NextcloudStandIn } from './index.js';
import { ocs } from './ocs.js';

export interface RecordingServerAnswer {
  status: number;
  body: string;
}

/** A callback Talk received from the recording server, with what Talk answered. */
export interface ReceivedCallback {
  at: number;
  callback: TalkCallback | undefined;
  status: number;
}

export interface SignedRequestOptions {
  /** Replace the checksum (a forged one), or leave a header out. */
  checksum?: string;
  omit?: Array<'random' | 'checksum' | 'backend'>;
  backendUrl?: string;
  /** Raw body instead of JSON. */
  raw?: string;
}

/**
 * Talk's side of the recording-server protocol (talk-recording-api.md §1, §2.1): the signed `start`/`stop`
 * requests Talk sends to its recording server (talkrec's controller), in Talk's order, and the
 * `…/recording/backend` callbacks checked exactly as Talk's RecordingController does. Every deviation is
 * pushed to the stand-in's violations.
 */
export class TalkRecordingStandIn {
  /** The recording server Talk is configured with (`recording_servers[0]`), no trailing slash. */
  serverUrl = '';
  readonly callbacks: ReceivedCallback[] = [];
  private waiters: Array<{
    match: (c: ReceivedCallback) => boolean;
    resolve: (c: ReceivedCallback) => void;
  }> = [];

  constructor(private readonly nc: NextcloudStandIn) {
    nc.http.on('POST', talkNextcloudPaths.backendCallback, (ctx) => this.callback(ctx));
  }

  private violation(ctx: Ctx | undefined, problem: string): void {
    this.nc.violations.push({
      at: Date.now(),
      area: 'talk-recording',
      path: ctx?.path ?? talkNextcloudPaths.backendCallback,
      problem,
    });
  }

  /** Talk's `recording_servers` check: welcome answered with JSON, no signaling header, clock within 45 s. */
  async welcome(): Promise<{ status: number; version?: string; problems: string[] }> {
    const started = Date.now();
    const res = await fetch(this.serverUrl + talkRecordingServerPaths.welcome);
    const body = (await res.json().catch(() => undefined)) as { version?: unknown } | undefined;
    const problems: string[] = [];
    if (res.headers.get('x-spreed-signaling-features') !== null) problems.push('IS_SIGNALING_SERVER');
    const date = Date.parse(res.headers.get('date') ?? '');
    if (!Number.isNaN(date) && (date < started - 45_000 || date > Date.now() + 45_000)) {
      problems.push('TIME_OUT_OF_SYNC');
    }
    if (!body || typeof body !== 'object') problems.push('JSON_INVALID');
    return {
      status: res.status,
      ...(typeof body?.version === 'string' ? { version: body.version } : {}),
      problems,
    };
  }

  /** A request to the recording server signed as Talk's BackendNotifier signs it (64-char random). */
  async request(
    token: string,
    body: unknown,
    options: SignedRequestOptions = {},
  ): Promise<RecordingServerAnswer> {
    if (!this.serverUrl) throw new Error('stand-in: no recording server configured');
    const raw = options.raw ?? JSON.stringify(body);
    const random = randomBytes(48).toString('base64').slice(0, 64);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      [talkRecordingHeaders.random]: random,
      [talkRecordingHeaders.checksum]: options.checksum ?? hmacHex(this.nc.recordingSecret, random + raw),
      // Talk sends getAbsoluteURL(''): the base URL with a trailing slash.
      [talkRecordingHeaders.backend]: options.backendUrl ?? `${this.nc.url}/`,
    };
    for (const h of options.omit ?? []) delete headers[talkRecordingHeaders[h]];
    const res = await fetch(
      `${this.serverUrl}${talkRecordingServerPaths.roomPrefix}${encodeURIComponent(token)}`,
      {
        method: 'POST',
        headers,
        body: raw,
      },
    );
    return { status: res.status, body: await res.text() };
  }

  private room(token: string) {
    const room = this.nc.directory.rooms.get(token);
    if (!room) throw new Error(`stand-in: unknown room ${token}`);
    return room;
  }

  /** Tells the HPB (when one is attached) as Talk's Listener does on every status change. */
  private async announce(token: string, status: number): Promise<void> {
    this.room(token).recordingStatus = status;
    if (this.nc.hpb.signalingUrl) await this.nc.hpb.setRecordingStatus(token, status);
  }

  /** A moderator presses "start recording": the request first, then status 3/4 (Talk's order). */
  async start(
    token: string,
    opts: { status?: 1 | 2; owner?: string; actor?: TalkActor } = {},
  ): Promise<RecordingServerAnswer> {
    const room = this.room(token);
    const owner = opts.owner ?? room.participants[0] ?? 'admin';
    const status = opts.status ?? 1;
    const answer = await this.request(token, {
      type: 'start',
      start: { status, owner, actor: opts.actor ?? { type: 'users', id: owner } },
    });
    if (answer.status === 200) {
      await this.announce(
        token,
        status === 1 ? TalkRecordingStatus.startingVideo : TalkRecordingStatus.startingAudio,
      );
    }
    return answer;
  }

  /** Stop by a moderator (`actor`), or Talk's automatic stop at the end of the call (`stop: []`). */
  async stop(token: string, actor?: TalkActor): Promise<RecordingServerAnswer> {
    const answer = await this.request(token, { type: 'stop', stop: actor ? { actor } : [] });
    // RecordingNotFoundException: Talk marks the recording failed itself.
    if (answer.status === 404) await this.announce(token, TalkRecordingStatus.failed);
    return answer;
  }

  waitForCallback(match: (c: ReceivedCallback) => boolean, timeoutMs = 15_000): Promise<ReceivedCallback> {
    const seen = this.callbacks.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no matching Talk callback within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.waiters.push({
        match,
        resolve: (c) => {
          clearTimeout(timer);
          resolve(c);
        },
      });
    });
  }

  private received(c: ReceivedCallback): void {
    this.callbacks.push(c);
    this.waiters = this.waiters.filter((w) => {
      if (!w.match(c)) return true;
      w.resolve(c);
      return false;
    });
  }

  /** RecordingController::backend as Talk implements it. */
  private async callback(ctx: Ctx): Promise<void> {
    const body = (await ctx.body(64 * 1024)) ?? Buffer.alloc(0);
    const reply = (status: number, data: unknown, callback?: TalkCallback) => {
      ocs(ctx, status, data);
      this.received({ at: Date.now(), callback, status });
    };
    if (String(ctx.req.headers['ocs-apirequest'] ?? '').toLowerCase() !== 'true') {
      this.violation(ctx, 'OCS-APIRequest header missing');
      ctx.send(412, { message: 'CSRF check failed' });
      this.received({ at: Date.now(), callback: undefined, status: 412 });
      return;
    }
    const random = String(ctx.req.headers[talkRecordingHeaders.random] ?? '');
    const checksum = String(ctx.req.headers[talkRecordingHeaders.checksum] ?? '');
    if (random.length < TALK_MIN_RANDOM_LENGTH || !checksum) {
      this.violation(ctx, `random shorter than ${TALK_MIN_RANDOM_LENGTH} or checksum missing`);
      return reply(403, {
        type: 'error',
        error: { code: 'invalid_request', message: 'The request could not be authenticated.' },
      });
    }
    if (!checksumMatches(this.nc.recordingSecret, random, body, checksum)) {
      this.violation(ctx, 'Talk-Recording-Checksum does not match');
      return reply(403, {
        type: 'error',
        error: { code: 'invalid_request', message: 'The request could not be authenticated.' },
      });
    }
    let parsed: ReturnType<typeof TalkCallback.safeParse>;
    try {
      parsed = TalkCallback.safeParse(JSON.parse(body.toString('utf8')));
    } catch {
      parsed = TalkCallback.safeParse(undefined);
    }
    if (!parsed.success) {
      this.violation(
        ctx,
        `callback body does not map to RecordingRequest: ${body.toString('utf8').slice(0, 200)}`,
      );
      return reply(400, {
        type: 'error',
        error: { code: 'unknown_type', message: 'The given type is not supported.' },
      });
    }
    const callback = parsed.data;
    const token =
      callback.type === 'started'
        ? callback.started.token
        : callback.type === 'stopped'
          ? callback.stopped.token
          : callback.failed.token;
    const room = this.nc.directory.rooms.get(token);
    if (!room) {
      this.violation(ctx, `callback for unknown room ${token}`);
      return reply(
        404,
        { type: 'error', error: { code: 'no_such_room', message: 'Room not found.' } },
        callback,
      );
    }
    switch (callback.type) {
      case 'started': {
        const starting = [TalkRecordingStatus.startingVideo, TalkRecordingStatus.startingAudio] as number[];
        if (!starting.includes(room.recordingStatus)) {
          this.violation(ctx, `started while the room status is ${room.recordingStatus}, not 3 or 4`);
          return reply(
            404,
            { type: 'error', error: { code: 'no_such_room', message: 'Room not found.' } },
            callback,
          );
        }
        const wanted = room.recordingStatus === TalkRecordingStatus.startingVideo ? 1 : 2;
        if (callback.started.status !== wanted) {
          this.violation(ctx, `started with status ${callback.started.status}, but ${wanted} was requested`);
        }
        await this.announce(token, callback.started.status);
        break;
      }
      case 'stopped':
        await this.announce(token, TalkRecordingStatus.none);
        break;
      case 'failed':
        await this.announce(token, TalkRecordingStatus.failed);
        break;
    }
    reply(200, null, callback);
  }
}
