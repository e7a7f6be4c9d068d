import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decryptSecret, encryptSecret, encryptSecrets, SecretKeyError } from '../../src/crypto/secretBox.ts';
import { addServerTiming, StageClock, type StageTimes } from '../../src/metrics/stageTimes.ts';

const SOURCE = { envVar: 'TEST_KEY', keyFileName: 'test.key' };

describe('encryptSecrets (a bulk upsert encrypts a batch at once)', () => {
  const key = randomBytes(32);
  const items = Array.from({ length: 50 }, (_, i) => ({ context: `user_${i}`, plaintext: i % 2 ? 'same-password' : `pw-${i}-ü🔑` }));

  it('gives what encryptSecret gives: each value opens with its own context', () => {
    const sealed = encryptSecrets(key, items);
    expect(sealed).toHaveLength(items.length);
    sealed.forEach((s, i) => expect(decryptSecret(key, items[i]!.context, s, SOURCE, 'x')).toBe(items[i]!.plaintext));
    // Same format as the single-value path, so either reads the other's output.
    expect(decryptSecret(key, 'a', encryptSecret(key, 'a', 'b'), SOURCE, 'x')).toBe('b');
    expect(sealed.every((s) => s.startsWith('v1:'))).toBe(true);
  });

  it('draws a fresh IV per value: equal passwords never give equal ciphertexts, within a batch or across', () => {
    const a = encryptSecrets(key, items);
    const b = encryptSecrets(key, items);
    const all = [...a, ...b];
    expect(new Set(all).size).toBe(all.length);
    const ivs = all.map((s) => Buffer.from(s.slice(3), 'base64').subarray(0, 12).toString('hex'));
    expect(new Set(ivs).size).toBe(all.length);
  });

  it('binds each ciphertext to its context: copied onto another user it does not open', () => {
    const [first] = encryptSecrets(key, items);
    expect(() => decryptSecret(key, items[1]!.context, first!, SOURCE, 'the copy')).toThrow(SecretKeyError);
  });

  it('an empty batch is no work', () => {
    expect(encryptSecrets(key, [])).toEqual([]);
  });
});

describe('stage times', () => {
  it('a StageClock header reads back through addServerTiming, summed per stage', () => {
    const clock = new StageClock();
    clock.lap('decode');
    clock.lap('upsert');
    const header = clock.serverTiming();
    expect(header).toMatch(/^decode;dur=\d+\.\d\d, upsert;dur=\d+\.\d\d$/);
    const times: StageTimes = {};
    addServerTiming(times, header, 'server.');
    addServerTiming(times, 'decode;dur=2.5, upsert;desc="db";dur=1', 'server.');
    expect(Object.keys(times).sort()).toEqual(['server.decode', 'server.upsert']);
    expect(times['server.decode']).toBeGreaterThanOrEqual(2.5);
    expect(times['server.upsert']).toBeGreaterThanOrEqual(1);
  });

  it('ignores what is not a timing: no header, no duration, odd names', () => {
    const times: StageTimes = {};
    addServerTiming(times, null, 'server.');
    addServerTiming(times, 'cache, miss;desc="x", bad name;dur=3, __proto__;dur=x', 'server.');
    expect(times).toEqual({});
  });
});
