import {
  InCall,
  RoomClient,
  SignalingConnection,
  SignalingError,
  type Participant,
  type RemoteTrack,
} from '@talkrec/signaling-web';
import type { CallViewConfig, ParticipantInfo } from '../protocol.js';
import { ActiveSpeaker } from './core/active-speaker.js';
import { computeLayout } from './core/layout.js';
import { SpeakingDetector } from './core/speaking.js';
import { fetchConfig } from './config.js';
import { AudioOut } from './media/audio-out.js';
import { FlowWatch } from './media/flow.js';
import { audioLevel } from './media/levels.js';
import type { Reporter } from './report.js';
import { Stage } from './view/stage.js';
import type { TileContent } from './view/tile.js';

/** How often audio levels are read for speaking detection (ms). */
const LEVEL_INTERVAL_MS = 100;

interface CameraMedia {
  audio?: { track: MediaStreamTrack; receiver: RTCRtpReceiver };
  video?: MediaStreamTrack;
}

/**
 * The recorder's view of one call: joins as an internal client (no media of its own, never listed),
 * subscribes to everyone, plays all audio, lays the call out and reports to capture.
 */
export class CallView {
  private readonly stage: Stage;
  private readonly audio: AudioOut;
  private readonly flow: FlowWatch;
  private readonly active = new ActiveSpeaker();
  private readonly cameras = new Map<string, CameraMedia>();
  private readonly screens = new Map<string, MediaStreamTrack>();
  private readonly detectors = new Map<string, SpeakingDetector>();
  private people: Participant[] = [];
  private room: RoomClient | undefined;
  private levelTimer: ReturnType<typeof setInterval> | undefined;
  private readySent = false;
  private sampling = false;

  constructor(
    private readonly config: CallViewConfig,
    private readonly reporter: Reporter,
  ) {
    this.stage = new Stage(document.body, config.width, config.height);
    this.audio = new AudioOut(document.body, (key, err) => {
      if ((err as { name?: string })?.name !== 'NotAllowedError') return;
      this.reporter.send({
        type: 'error',
        code: 'autoplay_blocked',
        message: `audio of ${key} may not play: ${String(err)}`,
      });
    });
    this.flow = new FlowWatch((flowing) => this.reporter.media(flowing));
  }

  async start(): Promise<void> {
    const log = this.reporter.log();
    let fresh: CallViewConfig | undefined = this.config;
    const connection = new SignalingConnection({
      url: this.config.signalingUrl,
      // The first hello uses the config we have; every later session fetches fresh auth params.
      auth: async () => {
        const config = fresh ?? (await fetchConfig());
        fresh = undefined;
        return { type: 'internal', params: config.helloAuth };
      },
      log,
    });
    await connection.connect();
    const room = new RoomClient({
      connection,
      roomId: this.config.roomToken,
      internal: true,
      subscribe: { video: this.config.mode === 'video' },
      iceServers: this.config.iceServers,
      log,
    });
    this.room = room;
    room.on('joined', ({ properties }) => {
      if (typeof properties.name === 'string') this.stage.setRoomName(properties.name);
    });
    room.on('participants', (list) => this.onParticipants(list));
    room.on('track', (t) => this.onTrack(t));
    room.on('removed', ({ publisherId, roomType }) => this.onRemoved(publisherId, roomType));
    room.on('trouble', (t) =>
      this.reporter.send({ type: 'log', level: 'warn', message: `${t.code}: ${t.message}` }),
    );
    room.on('left', ({ reason }) => this.onLeft(reason));
    await room.join();
    this.render();
    this.levelTimer = setInterval(() => void this.sampleLevels(), LEVEL_INTERVAL_MS);
    this.reportReadyAfterPaint();
  }

  /** For the page's teardown: leaves the room so the server frees our subscribers at once. */
  async stop(): Promise<void> {
    clearInterval(this.levelTimer);
    await this.room?.leave();
  }

  private reportReadyAfterPaint(): void {
    // The first rAF callback runs before that frame is painted; the second one after it was.
    requestAnimationFrame(() =>
      requestAnimationFrame(() => {
        if (this.readySent) return;
        this.readySent = true;
        this.reporter.send({ type: 'ready' });
      }),
    );
  }

  private onParticipants(list: Participant[]): void {
    const before = this.people;
    this.people = list;
    const present = new Set(list.map((p) => p.sessionId));
    for (const [sessionId, detector] of this.detectors) {
      if (present.has(sessionId)) continue;
      const who = before.find((p) => p.sessionId === sessionId);
      if (detector.speaking) this.reportSpeaking(sessionId, false, Date.now(), who);
      this.detectors.delete(sessionId);
    }
    this.reporter.participants(list.map((p) => this.info(p)));
    this.render();
  }

  private info(p: Participant): ParticipantInfo {
    const publishing =
      (p.inCall & (InCall.withAudio | InCall.withVideo)) !== 0 || this.screens.has(p.sessionId);
    return {
      sessionId: p.sessionId,
      ...(p.displayName ? { displayName: p.displayName } : {}),
      ...(p.userId ? { userId: p.userId } : {}),
      publishing,
    };
  }

  private onTrack(t: RemoteTrack): void {
    const key = `${t.publisherId}|${t.roomType}`;
    this.flow.add(t.track);
    t.track.addEventListener('ended', () => this.flow.remove(t.track));
    if (t.track.kind === 'audio') {
      this.audio.set(key, t.publisherId, t.track);
      if (t.roomType === 'video') this.camera(t.publisherId).audio = { track: t.track, receiver: t.receiver };
      return;
    }
    // Tiles switch between video and avatar as the video starts and stops delivering frames.
    for (const event of ['mute', 'unmute', 'ended']) t.track.addEventListener(event, () => this.render());
    if (t.roomType === 'video') this.camera(t.publisherId).video = t.track;
    else this.screens.set(t.publisherId, t.track);
    this.reporter.participants(this.people.map((p) => this.info(p)));
    this.render();
  }

  private camera(sessionId: string): CameraMedia {
    let media = this.cameras.get(sessionId);
    if (!media) {
      media = {};
      this.cameras.set(sessionId, media);
    }
    return media;
  }

  private onRemoved(publisherId: string, roomType: 'video' | 'screen'): void {
    this.audio.remove(`${publisherId}|${roomType}`);
    if (roomType === 'video') {
      const media = this.cameras.get(publisherId);
      if (media?.audio) this.flow.remove(media.audio.track);
      if (media?.video) this.flow.remove(media.video);
      this.cameras.delete(publisherId);
    } else {
      const track = this.screens.get(publisherId);
      if (track) this.flow.remove(track);
      this.screens.delete(publisherId);
      this.reporter.participants(this.people.map((p) => this.info(p)));
    }
    this.render();
  }

  private onLeft(reason: string): void {
    clearInterval(this.levelTimer);
    const code = reason === 'room_left' || reason === 'disinvited' ? reason : 'signaling_lost';
    this.reporter.send({ type: 'error', code, message: `out of the call: ${reason}` });
  }

  private async sampleLevels(): Promise<void> {
    if (this.sampling) return;
    this.sampling = true;
    try {
      await this.updateSpeakers();
    } finally {
      this.sampling = false;
    }
  }

  private async updateSpeakers(): Promise<void> {
    const now = Date.now();
    let changed = false;
    for (const p of this.people) {
      // No audio (not subscribed yet, resubscribing, muted) counts as silence, so speaking ends.
      const audio = this.cameras.get(p.sessionId)?.audio;
      const live = audio && audio.track.readyState === 'live' && p.audioMuted !== true;
      const level = live ? await audioLevel(audio.receiver).catch(() => 0) : 0;
      let detector = this.detectors.get(p.sessionId);
      if (!detector) {
        detector = new SpeakingDetector();
        this.detectors.set(p.sessionId, detector);
      }
      const change = detector.sample(level, now);
      if (change) {
        this.reportSpeaking(p.sessionId, change.speaking, change.at, p);
        changed = true;
      }
    }
    const before = this.active.id;
    this.active.update(
      this.people.map((p) => {
        const d = this.detectors.get(p.sessionId);
        return { id: p.sessionId, speaking: d?.speaking ?? false, since: d?.since ?? 0 };
      }),
      now,
    );
    if (changed || before !== this.active.id) this.render();
  }

  private reportSpeaking(
    sessionId: string,
    speaking: boolean,
    at: number,
    who: Participant | undefined,
  ): void {
    this.reporter.send({
      type: 'speaking',
      sessionId,
      ...(who?.displayName ? { displayName: who.displayName } : {}),
      ...(who?.userId ? { userId: who.userId } : {}),
      speaking,
      at,
    });
  }

  private render(): void {
    const video = this.config.mode === 'video';
    const contents: TileContent[] = [];
    const screens: string[] = [];
    for (const p of this.people) {
      const name = p.displayName || p.userId || 'Guest';
      const media = this.cameras.get(p.sessionId);
      const cam = video ? media?.video : undefined;
      contents.push({
        id: `p:${p.sessionId}`,
        kind: 'person',
        sessionId: p.sessionId,
        label: name,
        name,
        video: cam,
        showVideo: !!cam && cam.readyState === 'live' && !cam.muted && p.videoMuted !== true,
        speaking: this.detectors.get(p.sessionId)?.speaking ?? false,
      });
      const screen = video ? this.screens.get(p.sessionId) : undefined;
      if (screen && screen.readyState === 'live') {
        screens.push(`s:${p.sessionId}`);
        contents.push({
          id: `s:${p.sessionId}`,
          kind: 'screen',
          sessionId: p.sessionId,
          label: `${name} (screen)`,
          name,
          video: screen,
          showVideo: !screen.muted,
          speaking: false,
        });
      }
    }
    const layout = computeLayout({
      width: this.config.width,
      height: this.config.height,
      mode: this.config.layout,
      people: this.people.map((p) => `p:${p.sessionId}`),
      screens,
      ...(this.active.id ? { speaker: `p:${this.active.id}` } : {}),
    });
    this.stage.render(contents, layout);
  }
}

/** The code of an error for the `error` report. */
export function errorCode(err: unknown): string {
  return err instanceof SignalingError ? err.code : 'start_failed';
}
