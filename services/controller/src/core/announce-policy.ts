import type { RoomRule, Trigger } from '@talkrec/contracts';

/** ANNOUNCE: `auto` (recordings started by a rule), `all` (also Talk- and admin-started), `none`. */
export const ANNOUNCE_POLICIES = ['auto', 'all', 'none'] as const;
export type AnnouncePolicy = (typeof ANNOUNCE_POLICIES)[number];

/**
 * Whether a new recording posts notices in its conversation. A room rule decides for its room (`announce:
 * false` silences every recording there); without one, the policy decides. Talk-started recordings already
 * get Talk's own system messages, so they (like admin-started ones) are announced only with `all`.
 */
export function shouldAnnounce(
  policy: AnnouncePolicy,
  trigger: Trigger,
  rule: RoomRule | undefined,
): boolean {
  if (rule && !rule.announce) return false;
  if (trigger.kind === 'rule') return rule ? rule.announce : policy !== 'none';
  return policy === 'all';
}

/** A new rule announces as the policy does for automatic recordings, unless the admin says otherwise. */
export const ruleAnnounceDefault = (policy: AnnouncePolicy): boolean => policy !== 'none';
