import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../openDatabase.ts';

/** The table named `name` or `schema.name` (exact case) as a regclass, NULL when there is none. */
export function regclassOf(table: string): RawBuilder<unknown> {
  const dot = table.indexOf('.');
  return dot < 0 ? sql`to_regclass(format('%I', ${table}::text))` : sql`to_regclass(format('%I.%I', ${table.slice(0, dot)}::text, ${table.slice(dot + 1)}::text))`;
}

export interface TableColumns {
  exists: boolean;
  /** By name: the SQL type as format_type spells it, and whether an insert must give it. */
  columns: Map<string, { type: string; notNull: boolean; hasDefault: boolean }>;
  /** Columns that a unique index (not partial, not an expression) covers alone. */
  uniqueSingleColumns: Set<string>;
}

/** A table's columns from the catalog; `table` is `name` or `schema.name`, exact case. */
export async function readTableColumns(db: Db, table: string): Promise<TableColumns> {
  const regclass = regclassOf(table);
  const { rows } = await sql<{ name: string; type: string; not_null: boolean; has_default: boolean; unique_alone: boolean }>`
    WITH t AS (SELECT ${regclass} AS oid)
    SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS not_null,
           (a.atthasdef OR a.attidentity <> '' OR a.attgenerated <> '') AS has_default,
           EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = t.oid AND i.indisunique AND i.indnatts = 1
                   AND i.indkey[0] = a.attnum AND i.indpred IS NULL AND i.indexprs IS NULL) AS unique_alone
    FROM t JOIN pg_attribute a ON a.attrelid = t.oid
    WHERE a.attnum > 0 AND NOT a.attisdropped`.execute(db);
  return {
    exists: rows.length > 0,
    columns: new Map(rows.map((r) => [r.name, { type: r.type, notNull: r.not_null, hasDefault: r.has_default }])),
    uniqueSingleColumns: new Set(rows.filter((r) => r.unique_alone).map((r) => r.name)),
  };
}
