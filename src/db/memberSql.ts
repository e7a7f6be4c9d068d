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
  return sql<boolean>`coalesce(${col('seq')} >= ${spec.idStart} AND ${col('seq')} < ${spec.idStart + spec.count}
    AND ${col('username')} = ${spec.pattern.prefix} || ${col('seq')}::text || ${spec.pattern.suffix}, false)`;
}

/**
 * The seq whose username (prefix, canonical decimal, suffix) `username` is, else NULL:
 * "user_007" is not the username of 7. Lengths are counted by PostgreSQL, in characters
 * (JavaScript's would be UTF-16 units, wrong for patterns with emoji).
 */
export function seqOfUsername(username: RawBuilder<unknown>, pattern: { prefix: string; suffix: string }): RawBuilder<number | null> {
  const p = sql`${pattern.prefix}::text`;
  const s = sql`${pattern.suffix}::text`;
  const digits = sql`substr(${username}, char_length(${p}) + 1, greatest(0, char_length(${username}) - char_length(${p}) - char_length(${s})))`;
  return sql<number | null>`CASE WHEN starts_with(${username}, ${p}) AND right(${username}, char_length(${s})) = ${s}
    AND char_length(${username}) > char_length(${p}) + char_length(${s}) AND ${digits} ~ '^(0|[1-9][0-9]{0,17})$'
    THEN ${digits}::bigint END`;
}
