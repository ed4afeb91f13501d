/**
 * The contract between capture (Node) and its call-view page (browser). It is capture-internal: the page
 * is part of the capture service, bundled with it and served by it on loopback.
 *
 * 1. Capture serves the page at `http://127.0.0.1:<port>/call-view/?t=<token>`, one random token per
 *    recording; every other path or token answers 404.
 * 2. The page fetches `GET /call-view/config?t=<token>` → `CallViewConfig`. The internal secret never
 *    reaches the browser: capture computes the hello auth params, fresh on every fetch (the page
 *    fetches again to reconnect).
 * 3. The page reports to capture through `window.talkrecReport(report)` (puppeteer's exposeFunction).
 *
 * This file must stay free of DOM and Node types: both sides import it.
 */

export interface CallViewConfig {
  recordingId: string;
  /** The signaling server's websocket URL, e.g. `ws://127.0.0.1:8080/spreed`. */
  signalingUrl: string;
  /** Internal-client hello params: random (≥ 32 chars), token = hex HMAC-SHA256(internal secret, random), backend URL. */
  helloAuth: { random: string; token: string; backend: string };
  roomToken: string;
  mode: 'video' | 'audio';
  layout: 'speaker' | 'grid';
  /** Page size in CSS pixels (= the grab size). */
  width: number;
  height: number;
  iceServers: Array<{ urls: string | string[]; username?: string; credential?: string }>;
}

export interface ParticipantInfo {
  sessionId: string;
  displayName?: string;
  userId?: string;
  /** Sends audio or video (or a screen). */
  publishing: boolean;
}

export type PageReport =
  /** Joined the room and painted the first frame (tiles or the waiting frame): capture may start grabbing. */
  | { type: 'ready' }
  /** At least one remote audio or video track delivers data (flowing: true), or none does any more. */
  | { type: 'media'; flowing: boolean }
  /** Who is in the call (the recorder itself never listed); sent on every change. */
  | { type: 'participants'; participants: ParticipantInfo[] }
  /** A participant started or stopped speaking; `at` is ms since the epoch (page clock = host clock). */
  | {
      type: 'speaking';
      sessionId: string;
      displayName?: string;
      userId?: string;
      speaking: boolean;
      at: number;
    }
  /** Signaling or media trouble the page could not recover from by itself. */
  | { type: 'error'; code: string; message: string }
  /** Free-form diagnostics, logged by capture at debug level. */
  | { type: 'log'; level: 'debug' | 'info' | 'warn'; message: string };
