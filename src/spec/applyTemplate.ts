import type { PopulationSpec as PopulationSpecDoc, PopulationTemplateSpec } from './schemaTypes.generated.ts';

/**
 * A population spec (as a document would hold it) with every field it leaves out taken
 * from the template; `attributes` are merged key by key, the population's winning. Pure:
 * the result is validated like any document afterwards.
 */
export function applyTemplate(template: PopulationTemplateSpec, spec: Partial<PopulationSpecDoc>): Partial<PopulationSpecDoc> {
  const merged: Partial<PopulationSpecDoc> = { ...template, ...stripUndefined(spec) };
  if (template.attributes !== undefined || spec.attributes !== undefined) {
    merged.attributes = { ...template.attributes, ...spec.attributes };
  }
  return merged;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
