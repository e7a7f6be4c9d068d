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
