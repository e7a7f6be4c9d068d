import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

// The examples must read the files our exports produce: artillery-csv has no header and
// username,password by position; k6-json is an array of {username, password, ...}.
describe('examples match the export formats', () => {
  it('the Artillery scenario maps the header-less CSV by position', () => {
    const doc = parse(readFileSync('examples/artillery/login.yml', 'utf8')) as { config: { payload: { fields: string[]; skipHeader: boolean; path: string } } };
    expect(doc.config.payload).toMatchObject({ fields: ['username', 'password'], skipHeader: false, path: 'users.csv' });
    expect(readFileSync('examples/artillery/login.yml', 'utf8')).toContain('format=artillery-csv');
  });

  it('both fetch the export with the Load Tester read-only token', () => {
    for (const file of ['examples/artillery/login.yml', 'examples/k6/login.js']) {
      expect(readFileSync(file, 'utf8'), file).toContain('-H "Authorization: Bearer $LOADTESTER_READ_TOKEN"');
    }
  });

  it('the k6 script reads the k6-json export into a SharedArray and uses username and password', () => {
    const script = readFileSync('examples/k6/login.js', 'utf8');
    expect(script).toContain('format=k6-json');
    expect(script).toMatch(/new SharedArray\('users', \(\) => JSON\.parse\(open\('\.\/users\.json'\)\)\)/);
    expect(script).toContain('user.username');
    expect(script).toContain('user.password');
  });
});
