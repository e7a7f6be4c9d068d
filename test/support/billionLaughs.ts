/** A YAML alias bomb ("billion laughs"): nine aliases of nine aliases ..., 9^5 strings from a few hundred bytes. */
export const BILLION_LAUGHS = [
  'apiVersion: bulk-users/v1',
  'kind: TestUserPopulation',
  'metadata: { name: laughs }',
  'spec:',
  '  count: 1',
  '  usernamePattern: "laugh_{id}"',
  '  password: { fromEnv: BAD_PW }',
  '  attributes:',
  '    a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  '    b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
  '    c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
  '    d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
  '    e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
  '',
].join('\n');
