import { z } from 'zod';

/**
 * Wire types of what the signaling server publishes on `backend.room.*` (captured from 0.4.1, the 2.x
 * additions read from its source). Validation is deliberately loose where the HPB adds fields between
 * versions: unknown keys pass through, unknown `type`s are kept so the controller can ignore them.
 */

/** Participant flags: 1 in call, 2 with audio, 4 with video, 8 phone. Old Talk sent a boolean. */
export const InCallFlags = z.union([z.number().int().min(0), z.boolean()]);
export const IN_CALL = 1;

/** An `incall`/`participants` entry as relayed by the HPB (sessionId is the signaling session id). */
export const HpbParticipant = z.looseObject({
  sessionId: z.string(),
  nextcloudSessionId: z.string().optional(),
  inCall: InCallFlags,
  lastPing: z.number().optional(),
  participantType: z.number().optional(),
  participantPermissions: z.number().optional(),
  actorType: z.string().optional(),
  actorId: z.string().optional(),
  userId: z.string().optional(),
  displayName: z.string().optional(),
  permissions: z.array(z.string()).optional(),
  internal: z.boolean().optional(),
  virtual: z.boolean().optional(),
});
export type HpbParticipant = z.infer<typeof HpbParticipant>;

/** `room.incall`: Go omits `users`/`changed` when empty, so absent means nobody. */
export const HpbInCall = z.looseObject({
  incall: InCallFlags,
  /** 0.5.0+: "end call for everyone" (`incall: 0, all: true`); 0.4.1 never publishes it. */
  all: z.boolean().optional(),
  changed: z.array(HpbParticipant).optional(),
  users: z.array(HpbParticipant).optional(),
});
export type HpbInCall = z.infer<typeof HpbInCall>;

export const HpbParticipants = z.looseObject({
  changed: z.array(HpbParticipant).optional(),
  users: z.array(HpbParticipant).optional(),
});

/** Talk's recording status relayed as a room message: 0 none, 1 video, 2 audio, 3/4 starting, 5 failed. */
export const HpbRoomMessageData = z.looseObject({ type: z.string() });

/** `room` field of a `backend.room.*` envelope (Nextcloud's backend request as relayed). */
export const HpbBackendRoomRequest = z.looseObject({
  type: z.string(),
  update: z
    .looseObject({
      userids: z.array(z.string()).optional(),
      properties: z.record(z.string(), z.unknown()).optional(),
    })
    .optional(),
  delete: z.looseObject({ userids: z.array(z.string()).optional() }).optional(),
  incall: HpbInCall.optional(),
  participants: HpbParticipants.optional(),
  message: z.looseObject({ data: HpbRoomMessageData.optional() }).optional(),
  /**
   * int64 UnixNano set by the receiving signaling server. It exceeds Number precision, so JSON.parse
   * rounds it; use it for ordering only at millisecond resolution.
   */
  received: z.number().optional(),
});
export type HpbBackendRoomRequest = z.infer<typeof HpbBackendRoomRequest>;

/** Envelope of every HPB NATS message (0.4.1 NatsMessage = 2.x AsyncMessage). */
export const HpbEnvelope = z.looseObject({
  /** RFC3339 with nanoseconds; `0001-01-01T00:00:00Z` on 0.4.1 permission messages. */
  sendtime: z.string(),
  /** `room` on backend.room.*; 1.0+ also `asyncroom` (session joined) there. */
  type: z.string(),
  room: HpbBackendRoomRequest.optional(),
  message: z.unknown().optional(),
  permissions: z.array(z.string()).optional(),
  asyncroom: z
    .looseObject({ type: z.string(), sessionid: z.string().optional(), clienttype: z.string().optional() })
    .optional(),
  id: z.string().optional(),
});
export type HpbEnvelope = z.infer<typeof HpbEnvelope>;

/** Room types the controller acts on; everything else (switchto, transient, update, …) is ignored. */
export const HPB_CALL_RELEVANT_TYPES = ['incall', 'participants', 'delete', 'message'] as const;
