import { createHmac } from 'node:crypto';
import type { RecordingSpec } from '@talkrec/contracts';
import type { CallViewConfig } from '../page/protocol.js';

export type IceServer = CallViewConfig['iceServers'][number];

/** Where and how the page joins: the signaling server and the internal client's secret. */
export interface SignalingTarget {
  /** Websocket URL of the signaling server (`…/spreed`). */
  url: string;
  internalSecret: string;
  iceServers: IceServer[];
}

export const hmacHex = (secret: string, message: string) =>
  createHmac('sha256', secret).update(message).digest('hex');

/** The internal-client hello: token = hex HMAC-SHA256(internal secret, random), backend = Nextcloud URL. */
export function internalHelloAuth(
  internalSecret: string,
  random: string,
  backendUrl: string,
): CallViewConfig['helloAuth'] {
  return { random, token: hmacHex(internalSecret, random), backend: backendUrl.replace(/\/+$/, '') };
}

/**
 * Talk's server setting (http/https/ws/wss, maybe with a trailing slash or already ending in
 * `/spreed`) → the websocket URL, the way Talk's own client derives it.
 */
export function signalingWebsocketUrl(server: string): string {
  let url = server
    .trim()
    .replace(/^https:/i, 'wss:')
    .replace(/^http:/i, 'ws:')
    .replace(/\/+$/, '');
  if (!/\/spreed$/.test(url)) url += '/spreed';
  return url;
}

export function callViewConfig(
  recordingId: string,
  spec: RecordingSpec,
  target: SignalingTarget,
  random: string,
): CallViewConfig {
  return {
    recordingId,
    signalingUrl: target.url,
    helloAuth: internalHelloAuth(target.internalSecret, random, spec.backend.url),
    roomToken: spec.room.token,
    mode: spec.mode,
    layout: spec.layout,
    width: spec.video.width,
    height: spec.video.height,
    iceServers: target.iceServers,
  };
}
