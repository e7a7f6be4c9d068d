import { sql, type RawBuilder } from 'kysely';
import type { DependentRows } from '../../plan/Plan.ts';
import { isMember, type MemberShape } from '../memberSql.ts';
import type { Db } from '../openDatabase.ts';
import { regclassOf } from './readTableColumns.ts';
import type { UserStore } from './UserStore.ts';

const ON_DELETE: Record<string, DependentRows['onDelete']> = { a: 'no action', r: 'restrict', c: 'cascade', n: 'set null', d: 'set default' };

/**
 * What references the users a plan deletes (rows of `population` that are not members of
 * `keep`; all of them when null): every single-column foreign key to the store's table
 * (found in pg_constraint) and every dependent the store names, each with the count of
 * its rows that reference those users. One aggregate query per table, nothing per user
 * crosses the wire.
 */
export async function deletionDependents(db: Db, store: UserStore, deletes: readonly { population: string; keep: MemberShape | null }[]): Promise<DependentRows[]> {
  if (deletes.length === 0) return [];
  const { rows: keys } = await sql<{ table: string; column: string; referenced: string; action: string }>`
    SELECT c.conrelid::regclass::text AS table, a.attname AS column, ra.attname AS referenced, c.confdeltype AS action
    FROM pg_constraint c
    JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
    JOIN pg_attribute ra ON ra.attrelid = c.confrelid AND ra.attnum = c.confkey[1]
    WHERE c.contype = 'f' AND c.confrelid = ${regclassOf(store.table.name)} AND cardinality(c.conkey) = 1
    ORDER BY 1, 2`.execute(db);
  const named = await Promise.all(
    store.dependents.map(async (d) => {
      const { rows } = await sql<{ table: string }>`SELECT ${regclassOf(d.table)}::text AS table`.execute(db);
      return { table: rows[0]?.table ?? d.table, column: d.column };
    }),
  );
  const isNamed = (table: string, column: string): boolean => named.some((n) => n.table === table && n.column === column);
  const found = [
    ...keys.map((k) => ({ table: k.table, column: k.column, referenced: k.referenced, onDelete: ON_DELETE[k.action] ?? 'no action', deletedFirst: isNamed(k.table, k.column) })),
    ...named.filter((n) => !keys.some((k) => k.table === n.table && k.column === n.column)).map((n) => ({ ...n, referenced: store.table.primaryKey, onDelete: null, deletedFirst: true })),
  ];
  const leaving = sql.join(
    deletes.map((d) => sql`(u.population = ${d.population} AND ${d.keep ? sql`NOT ${isMember(d.keep, 'u')}` : sql`true`})`),
    sql` OR `,
  );
  const doomed: RawBuilder<unknown> = sql`SELECT u.id FROM ${store.rows} u WHERE u.is_test_user AND (${leaving})`;
  const out: DependentRows[] = [];
  for (const f of found) {
    const { rows } = await sql<{ n: number }>`
      SELECT count(*)::bigint AS n FROM ${sql.table(f.table)} r
      WHERE r.${sql.id(f.column)} IN (SELECT t.${sql.id(f.referenced)} FROM ${sql.table(store.table.name)} t WHERE t.${sql.id(store.table.primaryKey)} IN (${doomed}))`.execute(db);
    out.push({ table: f.table, column: f.column, rows: rows[0]?.n ?? 0, onDelete: f.onDelete, deletedFirst: f.deletedFirst });
  }
  return out;
}
