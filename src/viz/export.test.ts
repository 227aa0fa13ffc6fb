import { describe, expect, it } from 'vitest';
import { toCsv } from './export';

describe('toCsv', () => {
  it('writes a header of all keys and quotes what needs quoting', () => {
    const csv = toCsv([{ method: 'ifru', ms: 12.5 }, { method: 'a,b', note: 'say "hi"', perHop: [1, 2] }]);
    expect(csv).toBe('method,ms,note,perHop\nifru,12.5,,\n"a,b",,"say ""hi""",1 2\n');
  });
});
