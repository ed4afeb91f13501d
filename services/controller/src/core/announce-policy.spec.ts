import { describe, expect, it } from 'vitest';
import type { RoomRule, Trigger } from '@talkrec/contracts';
import { ruleAnnounceDefault, shouldAnnounce } from './announce-policy.js';

const rule = (announce: boolean): RoomRule => ({
  v: 1,
  backendId: 'nc',
  roomToken: 'abc',
  enabled: true,
  mode: 'video',
  layout: 'speaker',
  minParticipants: 1,
  announce,
});
const byRule: Trigger = { kind: 'rule', rule: 'AUTO_RECORD=all' };
const byTalk: Trigger = { kind: 'talk', owner: 'a', actor: { type: 'users', id: 'a' }, status: 1 };
const byAdmin: Trigger = { kind: 'admin', by: 'cli' };

describe('which recordings are announced', () => {
  it('announces automatic recordings by default, and nothing with ANNOUNCE=none', () => {
    expect(shouldAnnounce('auto', byRule, undefined)).toBe(true);
    expect(shouldAnnounce('none', byRule, undefined)).toBe(false);
  });

  it("leaves Talk-started recordings to Talk's own messages unless ANNOUNCE=all", () => {
    expect(shouldAnnounce('auto', byTalk, undefined)).toBe(false);
    expect(shouldAnnounce('auto', byAdmin, undefined)).toBe(false);
    expect(shouldAnnounce('all', byTalk, undefined)).toBe(true);
    expect(shouldAnnounce('all', byAdmin, undefined)).toBe(true);
  });

  it("follows a room rule's announce setting both ways", () => {
    expect(shouldAnnounce('none', byRule, rule(true))).toBe(true);
    expect(shouldAnnounce('auto', byRule, rule(false))).toBe(false);
    expect(shouldAnnounce('all', byTalk, rule(false))).toBe(false);
  });

  it('gives new rules the policy as their default', () => {
    expect(ruleAnnounceDefault('auto')).toBe(true);
    expect(ruleAnnounceDefault('none')).toBe(false);
  });
});
