import type { CallParticipant } from '@talkrec/contracts';
import type { ParticipantInfo } from '../page/protocol.js';

/** The page's list as the event carries it, in a stable order (so equal lists compare equal). */
export function toCallParticipants(list: readonly ParticipantInfo[]): CallParticipant[] {
  return list
    .map((p) => ({
      sessionId: p.sessionId,
      ...(p.displayName !== undefined ? { displayName: p.displayName } : {}),
      ...(p.userId !== undefined ? { userId: p.userId } : {}),
      publishing: p.publishing,
    }))
    .sort((a, b) => a.sessionId.localeCompare(b.sessionId));
}

export function sameParticipants(a: readonly CallParticipant[], b: readonly CallParticipant[]): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
