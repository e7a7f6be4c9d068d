import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { formatOf, verifyAnyFormat, type PasswordHashConfig } from '../../src/crypto/passwordHash.ts';
import { buildApp } from '../../src/server/buildApp.ts';
import { buildDesiredState } from '../../src/spec/loadSpecs.ts';
import { cli, populationYaml, specDir } from '../support/cli.ts';
import { referenceVerdict } from '../support/referenceVerdict.ts';
import { createTestDatabase, productionSnapshot, seedProductionUsers, type TestDatabase } from '../support/testDatabase.ts';

// Not ASCII, so every format's text encoding of the password is exercised too.
const PASSWORD = 'Lödtest pässword 1 ✓';
const WRONG = 'Lödtest pässword 2 ✓';

/**
 * Every format the reconciler writes, with the parameters the test configures (realistic
 * where cheap; bcrypt's and PBKDF2's default costs only make the test slower, not different).
 */
const FORMATS: { config: PasswordHashConfig; shape: RegExp }[] = [
  { config: { algorithm: 'scrypt' }, shape: /^scrypt\$32768\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]{44}$/ },
  { config: { algorithm: 'bcrypt', cost: 10 }, shape: /^\$2b\$10\$[./A-Za-z0-9]{53}$/ },
  { config: { algorithm: 'argon2id' }, shape: /^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/ },
  { config: { algorithm: 'django-pbkdf2-sha256', iterations: 260000 }, shape: /^pbkdf2_sha256\$260000\$[A-Za-z0-9]{22}\$[A-Za-z0-9+/]{43}=$/ },
  { config: { algorithm: 'werkzeug-scrypt' }, shape: /^scrypt:32768:8:1\$[A-Za-z0-9]{16}\$[0-9a-f]{128}$/ },
  { config: { algorithm: 'werkzeug-pbkdf2-sha256', iterations: 260000 }, shape: /^pbkdf2:sha256:260000\$[A-Za-z0-9]{16}\$[0-9a-f]{64}$/ },
];

let db: TestDatabase;
let app: FastifyInstance;
beforeAll(async () => {
  db = await createTestDatabase();
  app = await buildApp({
    database: db.database,
    secretKey: randomBytes(32),
    specsDir: mkdtempSync(path.join(tmpdir(), 'bu-pwformat-specs-')),
    env: {},
    logger: false,
  });
});
afterAll(async () => {
  await app?.close();
  await db?.drop();
});
beforeEach(async () => {
  await db.query('TRUNCATE users, bulk_populations, bulk_reconcile_runs RESTART IDENTITY');
});

function configYaml(passwordHash: PasswordHashConfig): string {
  return `apiVersion: bulk-users/v1\nkind: ReconcilerConfig\nmetadata: { name: hashing }\nspec: { passwordHash: ${JSON.stringify(passwordHash)} }\n`;
}

function reconcileWith(passwordHash: PasswordHashConfig, population = 'pwfmt', count = 3) {
  const specs = specDir();
  specs.write('pop.yaml', populationYaml(population, { count, password: { fromEnv: 'PWFMT_PASSWORD' } }));
  specs.write('config.yaml', configYaml(passwordHash));
  return { specs, run: (cmd: 'reconcile' | 'plan') => cli([cmd, '--specs', specs.dir, '--output', 'json'], { databaseUrl: db.url, env: { PWFMT_PASSWORD: PASSWORD } }) };
}

async function storedHashes(population: string): Promise<string[]> {
  return (await db.query<{ h: string }>('SELECT DISTINCT password_hash AS h FROM users WHERE population = $1 AND is_test_user', [population])).map((r) => r.h);
}

function login(username: string, password: string) {
  return app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
}

describe.each(FORMATS)('passwordHash $config.algorithm', ({ config, shape }) => {
  it('a reconcile writes one hash per population, in the format, that the reference implementation, our verifier and our login accept', async (ctx) => {
    await seedProductionUsers(db, ['prod_alice']);
    const before = await productionSnapshot(db);
    const { run } = reconcileWith(config);
    const res = await run('reconcile');
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout).summary.create).toBe(3);
    expect(await productionSnapshot(db)).toBe(before);

    // Hashed once per population: all members share one hash string.
    const hashes = await storedHashes('pwfmt');
    expect(hashes).toHaveLength(1);
    const hash = hashes[0]!;
    expect(hash).toMatch(shape);
    expect(formatOf(hash)).toBe(config.algorithm);
    expect(hash).not.toContain(PASSWORD);
    expect(await verifyAnyFormat(hash, PASSWORD)).toBe(true);
    expect(await verifyAnyFormat(hash, WRONG)).toBe(false);

    const ok = await login('pwfmt_2', PASSWORD);
    expect(ok.statusCode).toBe(200);
    expect(ok.json().token).toEqual(expect.any(String));
    expect((await login('pwfmt_2', WRONG)).statusCode).toBe(401);

    // A second run keeps the stored hash: the plaintext still verifies in the configured format.
    const again = await run('reconcile');
    expect(JSON.parse(again.stdout).summary).toMatchObject({ create: 0, update: 0, delete: 0 });
    expect(await storedHashes('pwfmt')).toEqual([hash]);

    if (config.algorithm === 'scrypt') return; // this project's own format: no other implementation
    const verdict = referenceVerdict(config.algorithm, hash, [PASSWORD, WRONG]);
    if ('missing' in verdict) {
      ctx.skip(`reference check of ${config.algorithm} skipped: ${verdict.missing}`);
      return;
    }
    expect(verdict.results, verdict.by).toEqual([true, false]);
  });
});

describe('changing passwordHash', () => {
  it('rehashes each population once when the algorithm or a parameter changes, and then plans nothing', async () => {
    const first = reconcileWith({ algorithm: 'scrypt' }, 'mig', 4);
    expect((await first.run('reconcile')).code).toBe(0);
    const [scryptHash] = await storedHashes('mig');
    expect(formatOf(scryptHash!)).toBe('scrypt');

    const toBcrypt = reconcileWith({ algorithm: 'bcrypt', cost: 10 }, 'mig', 4);
    const plan = JSON.parse((await toBcrypt.run('plan')).stdout);
    expect(plan.summary).toMatchObject({ create: 0, update: 4, delete: 0 });
    expect((await toBcrypt.run('reconcile')).code).toBe(0);
    const bcryptHashes = await storedHashes('mig');
    expect(bcryptHashes).toHaveLength(1);
    expect(bcryptHashes[0]).toMatch(/^\$2b\$10\$/);
    expect(JSON.parse((await toBcrypt.run('plan')).stdout).summary).toMatchObject({ update: 0 });
    expect((await login('mig_4', PASSWORD)).statusCode).toBe(200);

    // Only the cost changes: the old hash still verifies, but it is not what is configured.
    const costlier = reconcileWith({ algorithm: 'bcrypt', cost: 11 }, 'mig', 4);
    expect(JSON.parse((await costlier.run('reconcile')).stdout).summary).toMatchObject({ update: 4 });
    const [cost11] = await storedHashes('mig');
    expect(cost11).toMatch(/^\$2b\$11\$/);
    expect(JSON.parse((await costlier.run('plan')).stdout).summary).toMatchObject({ update: 0 });

    // Back to the default (no ReconcilerConfig at all): this project's scrypt again.
    costlier.specs.remove('config.yaml');
    expect(JSON.parse((await costlier.run('reconcile')).stdout).summary).toMatchObject({ update: 4 });
    const [back] = await storedHashes('mig');
    expect(formatOf(back!)).toBe('scrypt');
    expect(back).not.toBe(scryptHash);
  });

  it('a bcrypt password over 72 bytes fails the run naming the population, and writes nothing', async () => {
    const specs = specDir();
    specs.write('pop.yaml', populationYaml('longpw', { count: 2, password: { fromEnv: 'LONG_PW' } }));
    specs.write('config.yaml', configYaml({ algorithm: 'bcrypt', cost: 4 }));
    const long = 'x'.repeat(73);
    const res = await cli(['reconcile', '--specs', specs.dir], { databaseUrl: db.url, env: { LONG_PW: long } });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('population "longpw": its password cannot be hashed as bcrypt');
    expect(res.stderr).toContain('72 bytes');
    expect(res.stderr).not.toContain(long);
    expect(await db.query('SELECT count(*)::int AS n FROM users')).toEqual([{ n: 0 }]);
  });
});

describe('verifyAnyFormat', () => {
  it('answers false, without throwing, for foreign, malformed and over-costly hashes', async () => {
    const cases = [
      '',
      'app-hash-alice', // what an application's own rows may hold
      '!unusable', // Django's unusable password
      'scrypt$32768$8$1$c2FsdA==$', // empty key
      'scrypt$2097152$8$1$c2FsdA==$AAAA', // N beyond 2^20: refused, not run
      'scrypt:32768:8:1$salt$abc', // odd hex
      'pbkdf2:sha256:0$salt$' + '0'.repeat(64),
      'pbkdf2_sha256$260000$salt$tooshort=',
      '$2b$10$short',
      '$argon2id$v=19$m=4194304,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA', // 4 GiB: refused, not run
      '$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA', // argon2i is not written, so not read
    ];
    for (const stored of cases) expect(await verifyAnyFormat(stored, PASSWORD), stored).toBe(false);
    for (const foreign of cases.slice(0, 3)) expect(formatOf(foreign), foreign).toBeUndefined();
    // Well-formed but not verifying: the library's own rejection, still false.
    expect(await verifyAnyFormat('$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA', PASSWORD)).toBe(false);
    expect(await verifyAnyFormat(`$2b$04$${'a'.repeat(53)}`, PASSWORD)).toBe(false);
  });
});

describe('the passwordHash spec', () => {
  function problems(spec: string): string[] {
    const yaml = `apiVersion: bulk-users/v1\nkind: ReconcilerConfig\nmetadata: { name: c }\nspec: { passwordHash: ${spec} }\n`;
    return buildDesiredState([{ file: 'c.yaml', text: yaml }]).problems.map((p) => `${p.message}${p.hint ? ` (${p.hint})` : ''}`);
  }

  it('takes each algorithm with its own parameters and defaults the rest', () => {
    expect(problems('{ algorithm: bcrypt, cost: 12 }')).toEqual([]);
    expect(problems('{ algorithm: argon2id, memoryCost: 65536, timeCost: 3, parallelism: 4 }')).toEqual([]);
    expect(problems('{ algorithm: werkzeug-scrypt, n: 65536 }')).toEqual([]);
    const state = buildDesiredState([{ file: 'c.yaml', text: `apiVersion: bulk-users/v1\nkind: ReconcilerConfig\nmetadata: { name: c }\nspec: { maxDeletePercent: 10 }\n` }]).state;
    expect(state.config?.passwordHash).toEqual({ algorithm: 'scrypt' });
  });

  it('rejects an unknown algorithm, a parameter of another algorithm, and an out-of-range cost, saying where', () => {
    expect(problems('{ algorithm: bcrypt2 }').join('\n')).toMatch(/spec\.passwordHash\.algorithm must be one of scrypt, .*bcrypt.* \(got "bcrypt2"\)/);
    expect(problems('{ algorithm: bcrypt, iterations: 1000 }').join('\n')).toMatch(/unknown key "iterations" in spec\.passwordHash.*allowed keys: algorithm, cost/);
    expect(problems('{ algorithm: bcrypt, cost: 40 }').join('\n')).toMatch(/spec\.passwordHash\.cost must be between 4 and 20 \(got 40\)/);
    expect(problems('{ cost: 10 }').join('\n')).toMatch(/spec\.passwordHash is missing required key "algorithm"/);
  });
});
