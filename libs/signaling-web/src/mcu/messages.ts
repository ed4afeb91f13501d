import type { MessageData, RoomType } from '../wire.js';

/** Sends a session message and returns its id; MCU errors about it come back with that id. */
export type SendMessage = (recipient: string, data: MessageData) => string;

/** A trickled ICE candidate in Talk's "legacy" shape, which the server hands to Janus unchanged. */
export interface CandidatePayload {
  candidate: string;
  sdpMid?: string | null;
  sdpMLineIndex?: number | null;
}

export function candidateData(roomType: RoomType, candidate: RTCIceCandidate, sid?: string): MessageData {
  const payload: CandidatePayload = {
    candidate: candidate.candidate,
    sdpMid: candidate.sdpMid,
    sdpMLineIndex: candidate.sdpMLineIndex,
  };
  return { type: 'candidate', roomType, ...(sid ? { sid } : {}), payload: { candidate: payload } };
}

/** The candidate inside an incoming `candidate` message, or undefined when it carries none. */
export function readCandidate(data: MessageData): RTCIceCandidateInit | undefined {
  const payload = typeof data.payload === 'object' ? data.payload : undefined;
  const c = payload?.candidate as CandidatePayload | undefined;
  if (!c || typeof c.candidate !== 'string' || c.candidate === '') return undefined;
  return { candidate: c.candidate, sdpMid: c.sdpMid ?? null, sdpMLineIndex: c.sdpMLineIndex ?? null };
}

/** The session description inside an incoming `offer` or `answer` message. */
export function readDescription(
  data: MessageData,
  type: 'offer' | 'answer',
): RTCSessionDescriptionInit | undefined {
  const payload = typeof data.payload === 'object' ? data.payload : undefined;
  const sdp = payload?.sdp;
  return typeof sdp === 'string' && sdp !== '' ? { type, sdp } : undefined;
}

export function isRoomType(value: unknown): value is RoomType {
  return value === 'video' || value === 'screen';
}
