import type { Layout, RecordingMode, RoomRule } from '@talkrec/contracts';
import { roomKeyString, type RoomKey } from './room-key.js';

/** AUTO_RECORD: every room, none, or a list of rooms (`<token>` or `<backendId>.<token>`). */
export type AutoRecordPolicy =
  { kind: 'all' } | { kind: 'none' } | { kind: 'rooms'; rooms: ReadonlySet<string> };

export function parseAutoRecord(value: string): AutoRecordPolicy {
  const v = value.trim();
  if (v.toLowerCase() === 'all') return { kind: 'all' };
  if (v === '' || v.toLowerCase() === 'none') return { kind: 'none' };
  const rooms = v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return { kind: 'rooms', rooms: new Set(rooms) };
}

export interface RecordDecision {
  record: boolean;
  mode: RecordingMode;
  layout: Layout;
  minParticipants: number;
  /** Which rule decided, for the recording's trigger and the logs. */
  rule: string;
}

const DEFAULTS = { mode: 'video', layout: 'speaker', minParticipants: 1 } as const;

/** The `rule` a decision names (the recording's trigger), and what kind of rule each one is. */
const RULE_ALL = 'AUTO_RECORD=all';
const RULE_LIST = 'AUTO_RECORD room list';
const ROOM_RULE = 'room rule ';
export type RuleKind = 'room' | 'all' | 'list' | 'other';

export function ruleKind(rule: string): RuleKind {
  if (rule.startsWith(ROOM_RULE)) return 'room';
  if (rule === RULE_ALL) return 'all';
  if (rule === RULE_LIST) return 'list';
  return 'other';
}

/** A per-room rule wins over the global policy; without one, the policy decides with the defaults. */
export function decideAutoRecord(
  policy: AutoRecordPolicy,
  room: RoomKey,
  rule: RoomRule | undefined,
): RecordDecision {
  if (rule) {
    return {
      record: rule.enabled,
      mode: rule.mode,
      layout: rule.layout,
      minParticipants: rule.minParticipants,
      rule: `${ROOM_RULE}${roomKeyString(room)}`,
    };
  }
  switch (policy.kind) {
    case 'all':
      return { record: true, ...DEFAULTS, rule: RULE_ALL };
    case 'none':
      return { record: false, ...DEFAULTS, rule: 'AUTO_RECORD=none' };
    case 'rooms': {
      const listed = policy.rooms.has(room.roomToken) || policy.rooms.has(roomKeyString(room));
      return { record: listed, ...DEFAULTS, rule: listed ? RULE_LIST : 'not in AUTO_RECORD' };
    }
  }
}

/** Record now: the rule says so, and enough people are in the call. */
export const shouldRecordNow = (decision: RecordDecision, participants: number): boolean =>
  decision.record && participants >= decision.minParticipants;
