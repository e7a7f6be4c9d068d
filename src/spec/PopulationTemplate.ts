import type { SourceDocument } from './SourceDocument.ts';
import type { SpecProblem } from './SpecProblem.ts';
import type { PopulationTemplate as PopulationTemplateDoc, PopulationTemplateSpec } from './schemaTypes.generated.ts';
import { parseUsernamePattern } from './usernamePattern.ts';

/**
 * Named defaults for populations (kind: PopulationTemplate): built-in ones are documents
 * under `specs/templates/`, saved ones live in the database. The HTTP API's create fills
 * every field its request leaves out from the template it names (see applyTemplate).
 */
export interface PopulationTemplate {
  name: string;
  /** metadata.annotations.description, when given. */
  description?: string;
  spec: PopulationTemplateSpec;
  /** Where it was declared (a spec file, or `saved-template:NAME` for one from the database). */
  origin: { file: string; line: number };
}

/** The name of the template every API create starts from (built in, see reconcile/createDefaults.ts). */
export const DEFAULT_TEMPLATE_NAME = 'default';

/** Checks what the schema cannot (a usernamePattern's placeholder rules) and returns the template, or undefined on error. */
export function toTemplate(doc: PopulationTemplateDoc, src: SourceDocument, problems: SpecProblem[]): PopulationTemplate | undefined {
  const s = doc.spec;
  let ok = true;
  if (doc.metadata.name === DEFAULT_TEMPLATE_NAME) {
    problems.push(src.problem(['metadata', 'name'], `the template name "${DEFAULT_TEMPLATE_NAME}" is taken by the built-in default template`, 'choose another name'));
    ok = false;
  }
  if (s.usernamePattern !== undefined) {
    const check = parseUsernamePattern(s.usernamePattern);
    if (!check.ok) {
      problems.push(src.problem(['spec', 'usernamePattern'], check.message, check.hint));
      ok = false;
    }
  }
  if (s.ttl !== undefined && s.expiresAt !== undefined) {
    problems.push(src.problem(['spec', 'expiresAt'], 'template has both ttl and expiresAt', 'use one of them'));
    ok = false;
  }
  if (s.password?.value !== undefined) {
    problems.push(src.problem(['spec', 'password', 'value'], 'password is written in the template in plain text', 'templates live in git; prefer password: { fromEnv: VARIABLE }', { severity: 'warning' }));
  }
  if (!ok) return undefined;
  const description = doc.metadata.annotations?.description;
  return { name: doc.metadata.name, ...(description !== undefined ? { description } : {}), spec: s, origin: { file: src.file, line: src.locate([]).line } };
}
