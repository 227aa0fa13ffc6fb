import { describe, expect, it } from 'vitest';
import { DEFAULT_METHODS, DEMO_METHODS, HORIZON_METHODS, LESSON_METHODS } from './defaults';
import { METHOD_INFO, METHOD_NAMES, METHODS, methodByName } from './registry';

describe('method registry', () => {
  it('every default and lesson method is registered; the demo is Retrain plus the quick defaults', () => {
    for (const name of [...DEFAULT_METHODS, ...DEMO_METHODS, ...HORIZON_METHODS, ...LESSON_METHODS]) expect(METHOD_NAMES).toContain(name);
    expect(DEMO_METHODS).toEqual(DEFAULT_METHODS.filter((m) => m === 'retrain' || METHODS[m].quick));
  });

  it('methods describe themselves with distinct names, labels and colours', () => {
    for (const m of METHOD_INFO) {
      expect(m.label.length).toBeGreaterThan(0);
      expect(m.hint.length).toBeGreaterThan(0);
      expect(m.colour).toMatch(/^#[0-9a-f]{6}$/i);
      expect(typeof m.quick).toBe('boolean');
      expect('run' in m).toBe(false);
    }
    for (const key of ['name', 'label', 'colour'] as const) expect(new Set(METHOD_INFO.map((m) => m[key])).size).toBe(METHOD_INFO.length);
  });

  it('an unknown name is refused with the known ones', () => {
    expect(() => methodByName('nope')).toThrow(/unknown unlearning method "nope" \(known: retrain, /);
  });
});
