import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('npx', ['tsx', 'src/cli/main.ts', ...args], { encoding: 'utf8', timeout: 120_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const dir = mkdtempSync(join(tmpdir(), 'cli-'));

describe('cli', () => {
  it('train prints one JSON object as its last stdout line', async () => {
    const lines = ['userId,movieId,rating,timestamp'];
    for (let u = 1; u <= 40; u++) for (let k = 0; k < 15; k++) lines.push(`${u},${(u * 7 + k * 3) % 60},4,0`);
    const file = join(dir, 'ratings.csv');
    writeFileSync(file, lines.join('\n'));
    const r = await cli(['train', '--data', file, '--epochs', '2', '--dim', '8', '--backend', 'cpu', '--quiet']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
    expect(out).toMatchObject({ users: 40, backend: 'cpu', epochs: 2 });
    expect(out.train + out.test).toBe(40 * 15); // all pairs are distinct
    for (const k of ['recall20', 'ndcg20', 'epochMs', 'items']) expect(Number.isFinite(out[k])).toBe(true);
  });

  it('bad input exits non-zero with one line naming the file, line and reason', async () => {
    const file = join(dir, 'page.csv');
    writeFileSync(file, '<!doctype html><html></html>\n');
    const r = await cli(['train', '--data', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/page\.csv: line 1: .*HTML/);
  });

  it('a bad flag exits with a usage error on one line', async () => {
    const r = await cli(['train', '--data', 'small', '--epochs', 'x']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
