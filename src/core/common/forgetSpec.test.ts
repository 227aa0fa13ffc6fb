import { describe, expect, it } from 'vitest';
import { formatForget, parseForget, readForgetSpec, runnable } from './forgetSpec';

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
  it('says why a spec is refused', () => {
    expect(() => readForgetSpec('random:1.5')).toThrow('random fraction must be in (0, 1), got 1.5');
    expect(() => readForgetSpec('random:x')).toThrow('bad fraction "x"');
    expect(() => readForgetSpec('user:')).toThrow('user: needs a user id');
    expect(() => readForgetSpec('everything')).toThrow(/bad forget spec "everything"/);
    expect(readForgetSpec('items:u1')).toEqual({ mode: 'items', user: 'u1', items: [] });
  });
});
