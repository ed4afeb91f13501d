/**
 * The websocket messages of the HPB signaling protocol that talkrec's pages send and read, for signaling
 * 0.4.1 (no welcome, hello 1.0 only) and 2.x (welcome first, `sid` on MCU messages). Loosely typed on
 * purpose: the server adds fields between versions and the pages read only what they need.
 */

/** MCU stream types: camera+mic in one PeerConnection, and a screen share. */
export type RoomType = 'video' | 'screen';

/** In-call flags (`inCall`): Talk's CALL_FLAG. */
export const InCall = { disconnected: 0, inCall: 1, withAudio: 2, withVideo: 4, withPhone: 8 } as const;

export interface InternalHelloAuth {
  type: 'internal';
  params: { random: string; token: string; backend: string };
}

export interface UserHelloAuth {
  type?: 'client';
  /** The Nextcloud signaling backend URL the server checks the ticket with. */
  url: string;
  params: { userid: string; ticket: string };
}

export type HelloAuth = InternalHelloAuth | UserHelloAuth;

export interface ErrorBody {
  code: string;
  message?: string;
  details?: unknown;
}

export interface HelloAnswer {
  version: string;
  /** The public session id: what others see as `from` and address as recipient. */
  sessionid: string;
  /** The private id used to resume the session after a reconnect. */
  resumeid: string;
  userid?: string;
  server?: { version?: string; features?: string[] };
}

export interface JoinEntry {
  sessionid: string;
  userid?: string;
  user?: { displayname?: string; [k: string]: unknown };
  roomsessionid?: string;
  federated?: boolean;
}

export interface CallUser {
  sessionId?: string;
  inCall?: number;
  internal?: boolean;
  virtual?: boolean;
  userId?: string;
  nextcloudSessionId?: string;
  [k: string]: unknown;
}

export interface ServerEvent {
  target: string;
  type: string;
  join?: JoinEntry[];
  leave?: string[];
  update?: { roomid?: string; users?: CallUser[]; incall?: number; all?: boolean; [k: string]: unknown };
  message?: { roomid?: string; data?: Record<string, unknown> };
  [k: string]: unknown;
}

/** Data of a session message: MCU traffic (offer/answer/candidate) and relayed client messages. */
export interface MessageData {
  type: string;
  roomType?: string;
  sid?: string;
  from?: string;
  to?: string;
  payload?: Record<string, unknown> | string;
  [k: string]: unknown;
}

export interface RelayedMessage {
  sender: { type: 'session' | 'room' | 'user'; sessionid?: string; userid?: string };
  data: MessageData;
}

export interface ServerMessage {
  id?: string;
  type: string;
  welcome?: { version: string; features?: string[] };
  hello?: HelloAnswer;
  error?: ErrorBody;
  room?: { roomid: string; properties?: Record<string, unknown> };
  event?: ServerEvent;
  message?: RelayedMessage;
  bye?: { reason?: string };
  [k: string]: unknown;
}

/** An outgoing message: `{id, type, [type]: body}`. */
export interface ClientMessage {
  id?: string;
  type: string;
  [k: string]: unknown;
}
