/// <reference lib="dom" />
/**
 * The synthetic participant's page (runs in Chromium, bundled on the fly): a normal Talk user that
 * joins with a ticket, publishes the fake camera and microphone through Janus, and can share a
 * "screen" (a canvas slide, since headless Chromium has no screen to capture).
 */
import { RoomClient, SignalingConnection, loopbackOnly, type Log } from '@talkrec/signaling-web';
import type { ParticipantPageApi, ParticipantPageConfig, ParticipantPageReport } from './api.js';

declare global {
  interface Window {
    participant: ParticipantPageApi;
    participantReport?: (report: ParticipantPageReport) => Promise<void>;
  }
}

const report =
  (level: ParticipantPageReport['level']) => (message: string, fields?: Record<string, unknown>) =>
    void window.participantReport?.({ level, message, ...(fields ? { fields } : {}) });
const log: Log = { debug: report('debug'), info: report('info'), warn: report('warn') };

let room: RoomClient | undefined;
let config: ParticipantPageConfig | undefined;
let camera: MediaStream | undefined;
let screenTimer: ReturnType<typeof setInterval> | undefined;

function joined(): RoomClient {
  if (!room) throw new Error('not connected');
  return room;
}

/** A slide with the participant's label and a bar that moves, five frames a second. */
function slideStream(label: string, hue: number): MediaStream {
  const canvas = document.createElement('canvas');
  canvas.width = 1280;
  canvas.height = 720;
  const ctx = canvas.getContext('2d')!;
  let frame = 0;
  const draw = () => {
    ctx.fillStyle = `hsl(${hue} 45% 88%)`;
    ctx.fillRect(0, 0, 1280, 720);
    ctx.fillStyle = `hsl(${hue} 60% 30%)`;
    ctx.font = 'bold 72px sans-serif';
    ctx.fillText(label, 80, 200);
    ctx.fillRect(80 + ((frame * 40) % 1000), 420, 120, 120);
    frame++;
  };
  draw();
  screenTimer = setInterval(draw, 200);
  return canvas.captureStream(5);
}

async function bytesSent(pc: RTCPeerConnection | undefined, kind: string): Promise<number> {
  if (!pc) return 0;
  let total = 0;
  (await pc.getStats()).forEach((s: { type?: string; kind?: string; bytesSent?: number }) => {
    if (s.type === 'outbound-rtp' && s.kind === kind) total += s.bytesSent ?? 0;
  });
  return total;
}

window.participant = {
  async connect(cfg) {
    config = cfg;
    const connection = new SignalingConnection({
      url: cfg.signalingUrl,
      auth: () =>
        Promise.resolve({ url: cfg.backendUrl, params: { userid: cfg.userId, ticket: cfg.ticket } }),
      log,
    });
    await connection.connect();
    room = new RoomClient({
      connection,
      roomId: cfg.roomId,
      nextcloudSessionId: cfg.nextcloudSessionId,
      nick: cfg.displayName,
      iceServers: [],
      candidateFilter: loopbackOnly,
      log,
    });
    room.on('trouble', (t) => log.warn('trouble', t));
    await room.join();
    return { sessionId: room.sessionId };
  },

  async publishCamera() {
    camera = await navigator.mediaDevices.getUserMedia({
      audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false },
      video: { width: 640, height: 360, frameRate: 15 },
    });
    await joined().publish('video', camera);
  },

  async republishCamera() {
    if (!camera) throw new Error('the camera was never published');
    joined().unpublish('video');
    await joined().publish('video', camera);
  },

  async shareScreen() {
    await joined().publish('screen', slideStream(config?.screenLabel ?? 'Screen', config?.hue ?? 0));
  },

  stopScreen() {
    clearInterval(screenTimer);
    joined().unpublish('screen');
  },

  setTalking(talking) {
    for (const track of camera?.getAudioTracks() ?? []) track.enabled = talking;
  },

  async sentBytes() {
    const r = joined();
    return {
      audio: await bytesSent(r.publisher('video')?.pc, 'audio'),
      video: await bytesSent(r.publisher('video')?.pc, 'video'),
      screen: await bytesSent(r.publisher('screen')?.pc, 'video'),
    };
  },

  async leave() {
    clearInterval(screenTimer);
    await room?.leave();
    for (const track of camera?.getTracks() ?? []) track.stop();
  },
};
