import { listSavedTemplates } from '../db/savedTemplates.ts';
import type { Db } from '../db/openDatabase.ts';
import { buildDesiredState, readSpecSources } from '../spec/loadSpecs.ts';
import type { PopulationTemplate } from '../spec/PopulationTemplate.ts';
import { DEFAULT_TEMPLATE } from './createDefaults.ts';

export interface NamedTemplate extends PopulationTemplate {
  /** builtin: a PopulationTemplate document of the spec files (specs/templates/); saved: POSTed, in the database; default: what every create starts from (createDefaults.ts). */
  kind: 'builtin' | 'saved' | 'default';
}

/** Every template: the default one, the spec files' (valid ones, even when other specs have errors), then the saved ones. */
export async function loadTemplates(db: Db, specsDir: string): Promise<NamedTemplate[]> {
  const builtin = buildDesiredState(readSpecSources(specsDir)).templates.map((t) => ({ ...t, kind: 'builtin' as const }));
  const saved = (await listSavedTemplates(db)).map(
    (r): NamedTemplate => ({ name: r.name, spec: r.spec, ...(r.description !== null ? { description: r.description } : {}), origin: { file: `saved-template:${r.name}`, line: 1 }, kind: 'saved' }),
  );
  return [DEFAULT_TEMPLATE, ...builtin, ...saved];
}
