import pg from 'pg';
import { ensureEmbeddedPostgres } from '/work/main/src/db/embeddedPostgres.ts';
const s = await ensureEmbeddedPostgres('/work/main/.data');
const c = new pg.Client(s.url); await c.connect();
for (const q of [
 `select ('x'||'ffff')::bit(16)::int a, ('x'||'8000')::bit(16)::int b, ('x'||'ffffffffffffffff')::bit(64)::bigint c`,
 `select (-7)::numeric % 5 a, mod(-7::numeric, 5) b, hashtext('abc') h, (-7) % 5 i`,
 `select version()`,
]) console.log((await c.query(q)).rows);
await c.end();
