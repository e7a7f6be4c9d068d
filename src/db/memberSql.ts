import { sql, type RawBuilder } from 'kysely';
import type { PopulationSpec } from '../spec/DesiredState.ts';

export type MemberShape = Pick<PopulationSpec, 'idStart' | 'count' | 'pattern'>;

/**
 * A row of the population is a member when its seq is in the desired range and its
 * username is the one the pattern gives for that seq. Everything else of the population
 * (scaled away, old pattern) is to be deleted.
 */
export function isMember(spec: MemberShape, alias?: string): RawBuilder<boolean> {
  const col = (c: string) => sql.ref(alias ? `${alias}.${c}` : c);
  return isMemberOf(col('seq'), col('username'), {
    lo: sql`${spec.idStart}`,
    hi: sql`${spec.idStart + spec.count}`,
    prefix: sql`${spec.pattern.prefix}`,
    suffix: sql`${spec.pattern.suffix}`,
  });
}

/** The same rule with every part an SQL expression: for a shape that comes from a joined row (one per population). */
export function isMemberOf(
  seq: RawBuilder<unknown>,
  username: RawBuilder<unknown>,
  shape: { lo: RawBuilder<unknown>; hi: RawBuilder<unknown>; prefix: RawBuilder<unknown>; suffix: RawBuilder<unknown> },
): RawBuilder<boolean> {
  return sql<boolean>`coalesce(${seq} >= ${shape.lo} AND ${seq} < ${shape.hi} AND ${username} = ${shape.prefix} || ${seq}::text || ${shape.suffix}, false)`;
}

/**
 * The seq whose username (prefix, canonical decimal, suffix) `username` is, else NULL:
 * "user_007" is not the username of 7. Lengths are counted by PostgreSQL, in characters
 * (JavaScript's would be UTF-16 units, wrong for patterns with emoji).
 */
export function seqOfUsername(username: RawBuilder<unknown>, pattern: { prefix: string; suffix: string }): RawBuilder<number | null> {
  return seqOfUsernameSql(username, sql`${pattern.prefix}::text`, sql`${pattern.suffix}::text`);
}

/** seqOfUsername with the pattern's parts as SQL expressions (a joined row's columns). */
export function seqOfUsernameSql(username: RawBuilder<unknown>, p: RawBuilder<unknown>, s: RawBuilder<unknown>): RawBuilder<number | null> {
  const digits = sql`substr(${username}, char_length(${p}) + 1, greatest(0, char_length(${username}) - char_length(${p}) - char_length(${s})))`;
  return sql<number | null>`CASE WHEN starts_with(${username}, ${p}) AND right(${username}, char_length(${s})) = ${s}
    AND char_length(${username}) > char_length(${p}) + char_length(${s}) AND ${digits} ~ '^(0|[1-9][0-9]{0,17})$'
    THEN ${digits}::bigint END`;
}
