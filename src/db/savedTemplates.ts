import type { PopulationTemplateSpec } from '../spec/schemaTypes.generated.ts';
import type { Db } from './openDatabase.ts';

export interface SavedTemplateRow {
  name: string;
  spec: PopulationTemplateSpec;
  description: string | null;
  createdAt: Date;
}

export async function listSavedTemplates(db: Db): Promise<SavedTemplateRow[]> {
  const rows = await db.selectFrom('bulk_templates').selectAll().orderBy('name').execute();
  return rows.map((r) => ({ name: r.name, spec: r.spec as PopulationTemplateSpec, description: r.description, createdAt: r.created_at }));
}

/** False when a template of that name is already saved. */
export async function insertSavedTemplate(db: Db, row: { name: string; spec: PopulationTemplateSpec; description: string | null }): Promise<boolean> {
  const res = await db
    .insertInto('bulk_templates')
    .values({ name: row.name, spec: JSON.stringify(row.spec), description: row.description })
    .onConflict((oc) => oc.column('name').doNothing())
    .executeTakeFirst();
  return Number(res.numInsertedOrUpdatedRows ?? 0n) > 0;
}
