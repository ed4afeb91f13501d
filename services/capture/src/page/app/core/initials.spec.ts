import { describe, expect, it } from 'vitest';
import { avatarColor, initials } from './initials.js';

describe('initials', () => {
  it('takes the first letters of the first and last word', () => {
    expect(initials('Alice Anders')).toBe('AA');
    expect(initials('  jean  claude van damme ')).toBe('JD');
    expect(initials('bob')).toBe('B');
    expect(initials('Émile Zola')).toBe('ÉZ');
    expect(initials('')).toBe('?');
  });

  it('gives each person a stable colour', () => {
    expect(avatarColor('session-1')).toBe(avatarColor('session-1'));
    expect(avatarColor('session-1')).toMatch(/^hsl\(\d+ 42% 38%\)$/);
  });
});
