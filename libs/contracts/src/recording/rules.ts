import { z } from 'zod';
import { BackendId, RoomToken, schemaVersion } from '../common.js';
import { Layout, RecordingMode } from './spec.js';

/**
 * A per-room auto-record rule, kept in the `rules` KV bucket under `<backendId>.<roomToken>`.
 * Rules override the global policy from config for that room.
 */
export const RoomRule = z.object({
  v: schemaVersion(1),
  backendId: BackendId,
  roomToken: RoomToken,
  /** Record this room automatically when a call starts in it. */
  enabled: z.boolean(),
  mode: RecordingMode.default('video'),
  layout: Layout.default('speaker'),
  /** Start only when at least this many participants are in the call. */
  minParticipants: z.number().int().min(1).max(1000).default(1),
  /** Post notices about the recording into the conversation. */
  announce: z.boolean().default(true),
  /** Who last changed the rule (admin API user or `cli`). */
  updatedBy: z.string().optional(),
});
export type RoomRule = z.infer<typeof RoomRule>;
export type RoomRuleInput = z.input<typeof RoomRule>;

export const roomRuleKey = (backendId: string, roomToken: string): string => `${backendId}.${roomToken}`;
