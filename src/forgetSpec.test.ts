import { describe, expect, it } from 'vitest';
import { formatForget, parseForget, runnable } from './forgetSpec';

describe('forget spec', () => {
  it('round-trips each mode', () => {
    for (const s of ['user:u12', 'items:u12:i3,i9', 'random:0.05']) expect(formatForget(parseForget(s))).toBe(s);
  });
  it('rejects incomplete or invalid specs', () => {
    expect(parseForget('').mode).toBe('none');
    expect(parseForget('random:1.5').mode).toBe('none');
    expect(parseForget('user:').mode).toBe('none');
    expect(runnable(parseForget('items:u1:'))).toBe(false);
    expect(runnable(parseForget('items:u1:i2'))).toBe(true);
  });
});
