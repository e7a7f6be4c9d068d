import type { SpecSource } from './loadSpecs.ts';
import { API_VERSION } from './schemaValidator.ts';
import type { PasswordSource, PopulationSpec as PopulationSpecDoc } from './schemaTypes.generated.ts';

/** Prefix of the `file` of a population kept in the database, as messages show it. */
export const API_SOURCE_PREFIX = '[api] ';

export function apiSourceFile(name: string): string {
  return `${API_SOURCE_PREFIX}${name}`;
}

/**
 * A population created through the HTTP API as a spec document, so the one validator
 * (buildDesiredState) checks it, alone or next to every spec file, exactly like a file.
 * The text is JSON (which is YAML), so line and column of a message point into it.
 */
export function apiPopulationSource(
  name: string,
  spec: Partial<PopulationSpecDoc>,
  opts: { labels?: Record<string, string>; password?: PasswordSource; file?: string } = {},
): SpecSource {
  const doc = {
    apiVersion: API_VERSION,
    kind: 'TestUserPopulation',
    metadata: { name, ...(opts.labels && Object.keys(opts.labels).length ? { labels: opts.labels } : {}) },
    spec: { ...spec, ...(opts.password ? { password: opts.password } : {}) },
  };
  return { file: opts.file ?? apiSourceFile(name), text: `${JSON.stringify(doc, null, 2)}\n` };
}
