import { sql, type RawBuilder } from 'kysely';
import { OperatorError } from '../../errors.ts';
import type { PopulationSpec } from '../../spec/DesiredState.ts';
import type { UserStoreSpec } from '../../spec/schemaTypes.generated.ts';
import { isAddressPattern } from '../../spec/usernamePattern.ts';
import { asyncCommit } from '../asyncCommit.ts';
import { isMemberOf, seqOfUsername, type MemberShape } from '../memberSql.ts';
import type { Db } from '../openDatabase.ts';
import { usernameSortsAsBytes } from '../usernameSortsAsBytes.ts';
import { readTableColumns, type TableColumns } from './readTableColumns.ts';
import { batchSeqsSql, emailOf, type CreateBatch, type DeleteBatch, type MemberContent, type UpdateBatch, type UserStore } from './UserStore.ts';

const OWNERSHIP = sql.raw('bulk_user_ownership');
const INTEGER_KEYS = new Set(['smallint', 'integer', 'bigint']);

/** A value for a column of the mapped table, as SQL. */
type Cast = (column: string, v: unknown) => RawBuilder<unknown>;

/** Values travel as text parameters, cast to the column's own type (objects as JSON). */
function castTo(types: TableColumns): Cast {
  return (column, v) => {
    if (v === null || v === undefined) return sql`NULL`;
    const text = typeof v === 'object' ? JSON.stringify(v) : String(v);
    return sql`CAST(${text}::text AS ${sql.raw(types.columns.get(column)!.type)})`;
  };
}

/**
 * The application's own users table (a ReconcilerConfig `userStore`). The table is only
 * written through INSERT … SELECT and through UPDATE/DELETE statements that carry, in
 * their own WHERE, the test-user marker and ownership by a population (a row of
 * bulk_user_ownership, ours, keyed by the table's primary key). Each batch writes the
 * application's rows and the ownership rows in one statement, so a crash leaves both or
 * neither.
 */
export class MappedTableStore implements UserStore {
  readonly description: string;
  readonly rows: RawBuilder<unknown>;
  /** Reads go to the tables themselves (exact, one pass); no summary is kept for a mapped table yet. */
  readonly summarized = false;
  readonly identity: object;
  readonly table: { name: string; primaryKey: string };
  readonly dependents: readonly { table: string; column: string }[];
  private readonly tableRef: RawBuilder<unknown>;
  private readonly pk: RawBuilder<unknown>;
  private readonly username: RawBuilder<unknown>;
  /** True for a row marked as a test user, in the application's table aliased `a`. */
  private readonly marked: RawBuilder<boolean>;
  private columns: Promise<TableColumns> | undefined;

  constructor(readonly spec: UserStoreSpec) {
    this.description = spec.table;
    this.identity = { table: spec.table, primaryKey: spec.primaryKey, username: spec.columns.username, marker: spec.testUserMarker };
    this.table = { name: spec.table, primaryKey: spec.primaryKey };
    this.dependents = spec.dependents ?? [];
    this.tableRef = sql.table(spec.table);
    this.pk = sql.ref(`a.${spec.primaryKey}`);
    this.username = sql.ref(`a.${spec.columns.username}`);
    this.marked = sql<boolean>`coalesce(${sql.ref(`a.${spec.testUserMarker.column}`)} = ${sql.lit(spec.testUserMarker.equals)}, false)`;
    const email = spec.columns.email ? sql`${sql.ref(`a.${spec.columns.email}`)}::text` : sql`NULL::text`;
    // The users shape the reads expect; attributes are the population's (a row with other
    // ones is stale by its content hash and rewritten by the next run). Literal-only SQL (no parameters), so it also fits
    // in a DECLARE CURSOR; PostgreSQL flattens it into the query that uses it, so a lookup
    // by username probes the table's index and one by population the ownership index.
    this.rows = sql`(SELECT ${this.pk}::bigint AS id, ${this.username}::text AS username, ${email} AS email,
        ${sql.ref(`a.${spec.columns.passwordHash}`)}::text AS password_hash, ${this.marked} AS is_test_user, false AS is_admin,
        o.population, o.seq, o.content_hash, o.expires_at, p.spec -> 'attributes' AS attributes, o.created_at, o.updated_at
      FROM ${this.tableRef} a LEFT JOIN ${OWNERSHIP} o ON o.user_id = ${this.pk} LEFT JOIN bulk_populations p ON p.name = o.population)`;
  }

  private readColumns(db: Db): Promise<TableColumns> {
    this.columns ??= readTableColumns(db, this.spec.table).catch((err) => {
      this.columns = undefined;
      throw err;
    });
    return this.columns;
  }

  async check(db: Db, populations: readonly Pick<PopulationSpec, 'name' | 'pattern'>[]): Promise<void> {
    const s = this.spec;
    const where = 'ReconcilerConfig spec.userStore';
    const t = await readTableColumns(db, s.table);
    if (!t.exists) throw new OperatorError(`${where}.table: there is no table ${s.table} in the database`, 'user_store');
    const named: [string, string][] = [
      ['primaryKey', s.primaryKey],
      ['columns.username', s.columns.username],
      ['columns.passwordHash', s.columns.passwordHash],
      ['testUserMarker.column', s.testUserMarker.column],
      ...(s.columns.email ? [['columns.email', s.columns.email] as [string, string]] : []),
      ...Object.keys(s.staticColumns ?? {}).map((c) => [`staticColumns.${c}`, c] as [string, string]),
      ...(s.attributes?.jsonColumn ? [['attributes.jsonColumn', s.attributes.jsonColumn] as [string, string]] : []),
      ...Object.entries(s.attributes?.columns ?? {}).map(([k, c]) => [`attributes.columns.${k}`, c] as [string, string]),
    ];
    for (const [field, column] of named) {
      if (!t.columns.has(column)) throw new OperatorError(`${where}.${field}: ${s.table} has no column "${column}"`, 'user_store');
    }
    if (!INTEGER_KEYS.has(t.columns.get(s.primaryKey)!.type)) {
      throw new OperatorError(`${where}.primaryKey: "${s.primaryKey}" is ${t.columns.get(s.primaryKey)!.type}; a mapped table needs an integer key (smallint, integer or bigint)`, 'user_store');
    }
    if (!t.uniqueSingleColumns.has(s.columns.username)) {
      throw new OperatorError(`${where}.columns.username: "${s.columns.username}" has no unique index; without one a username taken by a production user could be duplicated`, 'user_store');
    }
    const written = this.insertColumns(undefined, () => sql`NULL`).map((c) => c.column);
    const twice = written.find((c, i) => written.indexOf(c) !== i);
    if (twice) throw new OperatorError(`${where}: column "${twice}" is written twice (mapped and static, or two mappings)`, 'user_store');
    const missing = [...t.columns.entries()].filter(([c, d]) => d.notNull && !d.hasDefault && c !== s.primaryKey && !written.includes(c)).map(([c]) => c);
    if (missing.length) {
      throw new OperatorError(`${where}.staticColumns: ${s.table} has NOT NULL columns without a default that the mapping does not fill: ${missing.join(', ')}`, 'user_store');
    }
    for (const [i, d] of (s.dependents ?? []).entries()) {
      const dt = await readTableColumns(db, d.table);
      if (!dt.exists) throw new OperatorError(`${where}.dependents[${i}].table: there is no table ${d.table}`, 'user_store');
      if (!dt.columns.has(d.column)) throw new OperatorError(`${where}.dependents[${i}].column: ${d.table} has no column "${d.column}"`, 'user_store');
    }
    if (s.columns.email === s.columns.username) {
      const bad = populations.filter((p) => !isAddressPattern(p.pattern));
      if (bad.length) {
        throw new OperatorError(
          `${where}.columns: the username column is the e-mail column, so usernames must be addresses; population ${bad.map((p) => `"${p.name}"`).join(', ')} has a usernamePattern without "@"`,
          'user_store',
        );
      }
    }
    this.columns = Promise.resolve(t);
  }

  async prepare(db: Db): Promise<void> {
    if (!this.spec.guardTrigger) return;
    // Marker column and value travel as trigger arguments: the function is the same for
    // any mapping, and nothing of the spec is spliced into its body.
    await sql`
      CREATE OR REPLACE FUNCTION bulk_users_mapped_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE production boolean;
      BEGIN
        IF coalesce(current_setting('bulk_users.reconciler', true), '') = 'on' THEN
          EXECUTE format('SELECT EXISTS (SELECT 1 FROM guarded_rows WHERE (%I::text = %L) IS NOT TRUE)', TG_ARGV[0], TG_ARGV[1]) INTO production;
          IF production THEN
            RAISE EXCEPTION 'bulk-users guard: refusing to % a production row of % (% is not %)', lower(TG_OP), TG_TABLE_NAME, TG_ARGV[0], TG_ARGV[1]
              USING ERRCODE = 'insufficient_privilege';
          END IF;
        END IF;
        RETURN NULL;
      END $$`.execute(db);
    const args = sql`${sql.lit(this.spec.testUserMarker.column)}, ${sql.lit(String(this.spec.testUserMarker.equals))}`;
    for (const op of ['update', 'delete'] as const) {
      const name = sql.id(`bulk_users_guard_${op}`);
      await sql`DROP TRIGGER IF EXISTS ${name} ON ${this.tableRef}`.execute(db);
      await sql`CREATE TRIGGER ${name} AFTER ${sql.raw(op.toUpperCase())} ON ${this.tableRef}
        REFERENCING OLD TABLE AS guarded_rows FOR EACH STATEMENT EXECUTE FUNCTION bulk_users_mapped_guard(${args})`.execute(db);
    }
  }

  /** Every column a create writes, with its value over `g` (seq, username) and the content. */
  private insertColumns(c: MemberContent | undefined, cast: Cast): { column: string; value: RawBuilder<unknown> }[] {
    const s = this.spec;
    const username = sql<string>`g.username`;
    const out = [
      { column: s.columns.username, value: username as RawBuilder<unknown> },
      { column: s.columns.passwordHash, value: sql`${c?.passwordHash ?? null}` },
      { column: s.testUserMarker.column, value: cast(s.testUserMarker.column, s.testUserMarker.equals) },
    ];
    if (s.columns.email && s.columns.email !== s.columns.username) out.push({ column: s.columns.email, value: c ? emailOf(c, username) : sql`NULL` });
    for (const [column, v] of Object.entries(s.staticColumns ?? {})) {
      out.push({ column, value: v !== null && typeof v === 'object' ? sql`now()` : cast(column, v) });
    }
    out.push(...this.attributeColumns(c?.attributes ?? {}, cast));
    return out;
  }

  /** The attribute columns of the mapping with their values (for a create and an update). */
  private attributeColumns(attributes: Record<string, unknown>, cast: Cast): { column: string; value: RawBuilder<unknown> }[] {
    const a = this.spec.attributes;
    const out: { column: string; value: RawBuilder<unknown> }[] = [];
    if (a?.jsonColumn) out.push({ column: a.jsonColumn, value: cast(a.jsonColumn, attributes) });
    for (const [key, column] of Object.entries(a?.columns ?? {})) out.push({ column, value: cast(column, attributes[key] ?? null) });
    return out;
  }

  createsInUsernameOrder(db: Db): Promise<boolean> {
    return usernameSortsAsBytes(db, this.spec.table, this.spec.columns.username);
  }

  async createBatch(db: Db, _pool: unknown, b: CreateBatch): Promise<number> {
    const types = await this.readColumns(db);
    const cols = this.insertColumns(b, castTo(types));
    // Set-based and one statement: the application's rows and their ownership rows commit
    // together. First without conflict arbitration, which costs a third of the insert; a
    // username taken since the plan (unique violation: nothing of the batch was written)
    // sends the batch to the statement that skips it, never overwriting. That one also
    // takes over an ownership row left by a row the application deleted whose key it
    // now reuses, since the key is ours again.
    const statement = (arbitrate: boolean) => sql`
      WITH g AS (
        SELECT s AS seq, ${b.prefix} || s::text || ${b.suffix} AS username
        FROM ${batchSeqsSql(b)} AS s
      ), ins AS (
        INSERT INTO ${this.tableRef} (${sql.join(cols.map((c) => sql.id(c.column)))})
        SELECT ${sql.join(cols.map((c) => c.value))} FROM g
        ${arbitrate ? sql`ON CONFLICT DO NOTHING` : sql``}
        RETURNING ${sql.id(this.spec.primaryKey)} AS id, ${sql.id(this.spec.columns.username)}::text AS username
      )
      INSERT INTO ${OWNERSHIP} (user_id, population, seq, content_hash, expires_at)
      SELECT ins.id, ${b.population}, ${generatedSeq(sql`ins.username`, b)}, ${b.contentHash}, ${b.expiresAt}::timestamptz
      FROM ins
      ${arbitrate ? sql`ON CONFLICT (user_id) DO UPDATE SET population = excluded.population, seq = excluded.seq,
        content_hash = excluded.content_hash, expires_at = excluded.expires_at, created_at = now(), updated_at = now()` : sql``}`;
    try {
      const res = await asyncCommit(db, (trx) => statement(false).execute(trx));
      return Number(res.numAffectedRows ?? 0n);
    } catch (err) {
      if ((err as { code?: string }).code !== '23505') throw err;
      const res = await asyncCommit(db, (trx) => statement(true).execute(trx));
      return Number(res.numAffectedRows ?? 0n);
    }
  }

  async updateBatch(db: Db, b: UpdateBatch): Promise<{ seq: number }[]> {
    const types = await this.readColumns(db);
    const s = this.spec;
    const sets = [
      { column: s.columns.passwordHash, value: sql`${b.passwordHash}` as RawBuilder<unknown> },
      ...(s.columns.email && s.columns.email !== s.columns.username ? [{ column: s.columns.email, value: emailOf(b, sql<string>`${this.username}::text`) as RawBuilder<unknown> }] : []),
      ...this.attributeColumns(b.attributes, castTo(types)),
    ];
    const { rows } = await asyncCommit(db, (trx) => sql<{ seq: number }>`
      WITH v AS (
        SELECT o.user_id FROM ${OWNERSHIP} o JOIN ${this.tableRef} a ON ${this.pk} = o.user_id
        WHERE ${this.marked} AND o.population = ${b.population}
          AND o.seq > ${b.after} AND o.seq >= ${b.lo} AND o.seq < ${b.hi}
          AND (o.content_hash IS DISTINCT FROM ${b.contentHash} OR o.expires_at IS DISTINCT FROM ${b.expiresAt}::timestamptz)
        ORDER BY o.seq LIMIT ${b.limit}
      ), u AS (
        UPDATE ${this.tableRef} a SET ${sql.join(sets.map((x) => sql`${sql.id(x.column)} = ${x.value}`))}
        FROM ${OWNERSHIP} o
        WHERE ${this.pk} = o.user_id AND o.user_id IN (SELECT user_id FROM v) AND ${this.marked} AND o.population = ${b.population}
        RETURNING o.user_id
      )
      UPDATE ${OWNERSHIP} o SET content_hash = ${b.contentHash}, expires_at = ${b.expiresAt}::timestamptz, updated_at = now()
      FROM u WHERE o.user_id = u.user_id
      RETURNING o.seq`.execute(trx));
    return rows;
  }

  async deleteBatch(db: Db, b: DeleteBatch): Promise<{ seq: number }[]> {
    const stays = b.keep
      ? isMemberOf(sql`o.seq`, sql`${this.username}::text`, {
          lo: sql`${b.keep.idStart}`,
          hi: sql`${b.keep.idStart + b.keep.count}`,
          prefix: sql`${b.keep.pattern.prefix}`,
          suffix: sql`${b.keep.pattern.suffix}`,
        })
      : sql<boolean>`false`;
    return this.deleteOwned(db, sql`o.population = ${b.population} AND o.seq > ${b.after} AND NOT ${stays}`, sql`o.seq`, b.limit, 'seq');
  }

  async deleteUnmanagedBatch(db: Db, after: number, limit: number): Promise<{ id: number }[]> {
    const { rows } = await asyncCommit(db, (trx) => sql<{ id: number }>`
      WITH v AS (
        SELECT ${this.pk} AS id FROM ${this.tableRef} a LEFT JOIN ${OWNERSHIP} o ON o.user_id = ${this.pk}
        WHERE ${this.marked} AND ${this.pk} > ${after}
          AND (o.user_id IS NULL OR NOT EXISTS (SELECT 1 FROM bulk_populations r WHERE r.name = o.population))
        ORDER BY ${this.pk} LIMIT ${limit}
      ), ${this.dependentDeletes(sql`SELECT id FROM v`)} d AS (
        DELETE FROM ${this.tableRef} a WHERE ${this.marked} AND ${this.pk} IN (SELECT id FROM v)
        RETURNING ${this.pk} AS id
      ), x AS (
        DELETE FROM ${OWNERSHIP} o USING d WHERE o.user_id = d.id
      )
      SELECT id FROM d`.execute(trx));
    return rows;
  }

  /**
   * Deletes up to `limit` owned, marked rows matching `where` (over the ownership row `o`
   * and the application's row `a`), in `order`, with their dependent rows and ownership
   * rows, in one statement; returns `key` of each.
   */
  private async deleteOwned<K extends string>(db: Db, where: RawBuilder<boolean>, order: RawBuilder<unknown>, limit: number, key: K): Promise<Record<K, number>[]> {
    const { rows } = await asyncCommit(db, (trx) => sql<Record<K, number>>`
      WITH v AS (
        SELECT o.user_id AS id, o.seq FROM ${OWNERSHIP} o JOIN ${this.tableRef} a ON ${this.pk} = o.user_id
        WHERE ${this.marked} AND ${where}
        ORDER BY ${order} LIMIT ${limit}
      ), ${this.dependentDeletes(sql`SELECT id FROM v`)} d AS (
        DELETE FROM ${this.tableRef} a USING ${OWNERSHIP} o
        WHERE ${this.pk} = o.user_id AND o.user_id IN (SELECT id FROM v) AND ${this.marked} AND ${where}
        RETURNING o.user_id AS id, o.seq
      ), x AS (
        DELETE FROM ${OWNERSHIP} o USING d WHERE o.user_id = d.id
      )
      SELECT ${sql.ref(key)} FROM d`.execute(trx));
    return rows;
  }

  /**
   * CTEs deleting the rows of each named dependent table that reference the users `ids`
   * selects (managed test users being deleted, nothing else). In the same statement as
   * the users' delete, whose foreign key checks run at its end, when they are gone.
   */
  private dependentDeletes(ids: RawBuilder<unknown>): RawBuilder<unknown> {
    const deps = this.spec.dependents ?? [];
    return sql.join(
      deps.map((d, i) => sql`${sql.id(`dep${i}`)} AS (DELETE FROM ${sql.table(d.table)} WHERE ${sql.id(d.column)} IN (${ids})), `),
      sql``,
    );
  }

  async adopt(db: Db, population: string, shape: MemberShape, dryRun: boolean): Promise<number> {
    // Canonical ids only: "user_007" is not the username of id 7, so it is not adopted.
    const seqExpr = seqOfUsername(sql`${this.username}::text`, shape.pattern);
    const candidates = sql`${this.marked} AND NOT EXISTS (SELECT 1 FROM ${OWNERSHIP} o WHERE o.user_id = ${this.pk})
      AND ${seqExpr} >= ${shape.idStart} AND ${seqExpr} < ${shape.idStart + shape.count}`;
    if (dryRun) {
      const { rows } = await sql<{ n: number }>`SELECT count(*)::bigint AS n FROM ${this.tableRef} a WHERE ${candidates}`.execute(db);
      return rows[0]?.n ?? 0;
    }
    // No content hash: the next reconcile counts them stale and writes their content.
    const res = await sql`
      INSERT INTO ${OWNERSHIP} (user_id, population, seq)
      SELECT ${this.pk}, ${population}, ${seqExpr} FROM ${this.tableRef} a WHERE ${candidates}
      ON CONFLICT (user_id) DO NOTHING`.execute(db);
    return Number(res.numAffectedRows ?? 0n);
  }
}

/**
 * The seq of a username this batch generated (prefix, decimal, suffix), read back from the
 * username RETURNING gives: cheaper than joining the returned rows with the generated ones
 * (which made PostgreSQL materialise and hash the whole batch a second time). Lengths are
 * PostgreSQL's, in characters, so patterns with emoji work.
 */
function generatedSeq(username: RawBuilder<unknown>, b: { prefix: string; suffix: string }): RawBuilder<number> {
  return sql<number>`substr(${username}, char_length(${b.prefix}::text) + 1, char_length(${username}) - char_length(${b.prefix}::text) - char_length(${b.suffix}::text))::bigint`;
}
