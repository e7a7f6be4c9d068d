import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_RECONCILER_CONFIG, type DesiredState, type PopulationSpec, type ReconcilerConfig, type SyncTargetSpec } from './DesiredState.ts';
import { didYouMean } from './didYouMean.ts';
import { findAllOverlaps } from './patternOverlap.ts';
import type { PopulationTemplate as PopulationTemplateDoc, ReconcilerConfig as ReconcilerConfigDoc, SyncTarget, TestUserPopulation } from './schemaTypes.generated.ts';
import { API_VERSION, validateShape } from './schemaValidator.ts';
import { parseSpecText, type SourceDocument } from './SourceDocument.ts';
import { SpecValidationError, type SpecProblem } from './SpecProblem.ts';
import { toTemplate, type PopulationTemplate } from './PopulationTemplate.ts';
import { isAddressPattern, parseUsernamePattern, type UsernamePattern } from './usernamePattern.ts';
import { targetSpecProblems } from './targetSpecProblems.ts';

export interface SpecSource {
  file: string;
  text: string;
}

export interface SpecLoadResult {
  state: DesiredState;
  /** Errors and warnings, in file order. The state is only usable when there is no error. */
  problems: SpecProblem[];
  /** PopulationTemplate documents (defaults for populations created through the HTTP API). */
  templates: PopulationTemplate[];
}

const SPEC_EXTENSIONS = new Set(['.yaml', '.yml']);

/**
 * Reads every `.yaml`/`.yml` file under `dir`, sorted so output is stable: by code unit, the
 * same on every machine (localeCompare follows the locale, and its first call costs every
 * CLI start about 6 ms of loading collation data).
 */
export function readSpecSources(dir: string): SpecSource[] {
  let stat;
  try {
    stat = statSync(dir);
  } catch {
    throw new SpecValidationError([
      { severity: 'error', file: dir, line: 1, column: 1, message: `spec directory ${dir} does not exist`, hint: 'pass --specs DIR' },
    ]);
  }
  if (stat.isFile()) return [{ file: dir, text: readFileSync(dir, 'utf8') }];
  const files: string[] = [];
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory() && !entry.name.startsWith('.')) walk(full);
      else if (entry.isFile() && SPEC_EXTENSIONS.has(path.extname(entry.name))) files.push(full);
    }
  };
  walk(dir);
  return files.map((file) => ({ file, text: readFileSync(file, 'utf8') }));
}

/**
 * Parses and validates every document, then the rules that span documents (unique names,
 * disjoint username spaces, known sync targets). Pure apart from nothing: no I/O.
 */
export function buildDesiredState(sources: SpecSource[]): SpecLoadResult {
  const problems: SpecProblem[] = [];
  const populations: { spec: PopulationSpec; src: SourceDocument }[] = [];
  const references: { names: string[]; src: SourceDocument }[] = [];
  const targets: { spec: SyncTargetSpec; src: SourceDocument }[] = [];
  const names = new Map<string, SourceDocument>();
  const templates: PopulationTemplate[] = [];
  let config: { value: ReconcilerConfig; src: SourceDocument } | undefined;

  for (const source of sources) {
    const parsed = parseSpecText(source.file, source.text);
    problems.push(...parsed.problems);
    for (const src of parsed.docs) {
      const read = src.toJS();
      if ('problem' in read) {
        problems.push(read.problem);
        continue;
      }
      const value = read.value;
      const badPaths = new Set<string>();
      const shape = validateShape(src, value, badPaths);
      if (shape.length > 0) {
        problems.push(...shape);
        // The rules beyond the schema still run on the fields the schema accepted, so one
        // pass reports every problem of the document (a missing password and a ${id}).
        checkPartialPopulation(value, src, badPaths, problems);
        continue;
      }
      const doc = value as TestUserPopulation | SyncTarget | ReconcilerConfigDoc | PopulationTemplateDoc;
      if (doc.kind === 'ReconcilerConfig') {
        if (config) {
          const at = config.src.locate([]);
          problems.push(src.problem(['kind'], 'a second ReconcilerConfig', `there can be only one; the first is at ${config.src.file}:${at.line}:${at.column}`));
        } else {
          config = { value: { ...DEFAULT_RECONCILER_CONFIG, ...doc.spec }, src };
        }
        continue;
      }
      const name = doc.metadata.name;
      const first = names.get(name);
      if (first) {
        const at = first.locate(['metadata', 'name']);
        problems.push(src.problem(['metadata', 'name'], `duplicate name "${name}"`, `already defined at ${first.file}:${at.line}:${at.column}; names are unique across all specs`));
        continue;
      }
      names.set(name, src);
      if (doc.kind === 'PopulationTemplate') {
        const template = toTemplate(doc, src, problems);
        if (template) templates.push(template);
        continue;
      }
      if (doc.kind === 'TestUserPopulation') {
        references.push({ names: doc.spec.syncTargets ?? [], src });
        const spec = toPopulation(doc, src, problems);
        if (spec) populations.push({ spec, src });
      } else {
        const spec = toTarget(doc, src, problems);
        if (spec) targets.push({ spec, src });
      }
    }
  }

  checkOverlaps(populations, problems);
  checkTargetReferences(references, new Set(targets.map((t) => t.spec.name)), problems);

  // Line order within a file reads like the file; files keep the order they were read in.
  const fileOrder = new Map(sources.map((s, i) => [s.file, i]));
  problems.sort((a, b) => (fileOrder.get(a.file) ?? 0) - (fileOrder.get(b.file) ?? 0) || a.line - b.line || a.column - b.column);
  return {
    state: { populations: populations.map((p) => p.spec), targets: targets.map((t) => t.spec), ...(config ? { config: config.value } : {}) },
    problems,
    templates,
  };
}

/** Reads and validates a spec directory; throws SpecValidationError listing every error. */
export function loadSpecs(dir: string): { state: DesiredState; warnings: SpecProblem[] } {
  const result = buildDesiredState(readSpecSources(dir));
  if (result.problems.some((p) => p.severity === 'error')) throw new SpecValidationError(result.problems);
  return { state: result.state, warnings: result.problems };
}

/**
 * The rules of a population that the schema cannot express, each run only on fields the
 * schema accepted (`badPaths` holds where it did not): for a valid document and, with the
 * shape problems already reported, for an invalid one. Returns the parsed pattern when it is usable.
 */
function checkPopulationRules(s: Partial<TestUserPopulation['spec']>, src: SourceDocument, badPaths: ReadonlySet<string>, problems: SpecProblem[]): UsernamePattern | undefined {
  const ok = (field: string): boolean => ![...badPaths].some((p) => p === `spec.${field}` || p.startsWith(`spec.${field}.`) || p.startsWith(`spec.${field}[`));
  let pattern: UsernamePattern | undefined;
  if (typeof s.usernamePattern === 'string' && ok('usernamePattern')) {
    const patternCheck = parseUsernamePattern(s.usernamePattern);
    if (patternCheck.ok) pattern = patternCheck.pattern;
    else problems.push(src.problem(['spec', 'usernamePattern'], patternCheck.message, patternCheck.hint));
  }
  if (s.ttl !== undefined && s.expiresAt !== undefined) {
    problems.push(src.problem(['spec', 'expiresAt'], 'spec has both ttl and expiresAt', 'use one of them'));
  }
  const idStart = typeof s.idStart === 'number' && ok('idStart') ? s.idStart : 1;
  if (typeof s.count === 'number' && ok('count') && idStart + s.count - 1 > Number.MAX_SAFE_INTEGER) problems.push(src.problem(['spec', 'count'], 'idStart + count is too large'));
  if (typeof s.password?.value === 'string' && ok('password')) {
    problems.push(src.problem(['spec', 'password', 'value'], 'password is written in the spec in plain text', 'specs live in git; prefer password: { fromEnv: VARIABLE }', { severity: 'warning' }));
  }
  if (s.attributes !== undefined && ok('attributes')) {
    const deep = tooDeep(s.attributes, ['spec', 'attributes'], 1);
    if (deep) problems.push(src.problem(deep, `spec.attributes nest more than ${MAX_ATTRIBUTE_DEPTH} levels deep`, 'attributes are profile fields; flatten them'));
  }
  if (pattern && s.emailDomain !== undefined && isAddressPattern(pattern)) {
    problems.push(src.problem(['spec', 'emailDomain'], 'emailDomain is ignored because usernames are already e-mail addresses', undefined, { severity: 'warning' }));
  }
  return pattern;
}

/** How deep objects and arrays may nest in attributes, counting attributes itself (what stores and exports them recurses). */
const MAX_ATTRIBUTE_DEPTH = 32;

/** The path of the first object or array nested deeper than MAX_ATTRIBUTE_DEPTH, if any. */
function tooDeep(value: unknown, path: (string | number)[], depth: number): (string | number)[] | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  if (depth > MAX_ATTRIBUTE_DEPTH) return path;
  for (const [k, v] of Object.entries(value)) {
    const found = tooDeep(v, [...path, Array.isArray(value) ? Number(k) : k], depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** A TestUserPopulation the schema refused: its other rules still get checked (see checkPopulationRules). */
function checkPartialPopulation(value: unknown, src: SourceDocument, badPaths: ReadonlySet<string>, problems: SpecProblem[]): void {
  const doc = value as { apiVersion?: unknown; kind?: unknown; spec?: unknown } | null;
  if (doc?.apiVersion !== API_VERSION || doc.kind !== 'TestUserPopulation') return;
  const spec = doc.spec;
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) return;
  checkPopulationRules(spec as Partial<TestUserPopulation['spec']>, src, badPaths, problems);
}

/** Every semantic rule of one population is checked, so one run reports all of its problems. */
function toPopulation(doc: TestUserPopulation, src: SourceDocument, problems: SpecProblem[]): PopulationSpec | undefined {
  const s = doc.spec;
  const before = problems.length;
  const pattern = checkPopulationRules(s, src, new Set(), problems);
  const idStart = s.idStart ?? 1;
  const password = s.password.fromEnv !== undefined ? { fromEnv: s.password.fromEnv } : { value: s.password.value! };
  if (!pattern || problems.slice(before).some((p) => p.severity === 'error')) return undefined;
  return {
    name: doc.metadata.name,
    labels: doc.metadata.labels ?? {},
    count: s.count,
    usernamePattern: s.usernamePattern,
    pattern,
    idStart,
    emailDomain: s.emailDomain ?? 'example.com',
    password,
    attributes: s.attributes ?? {},
    batchSize: s.batchSize ?? 1000,
    ...(s.ttl !== undefined ? { ttl: s.ttl } : {}),
    ...(s.expiresAt !== undefined ? { expiresAt: s.expiresAt } : {}),
    syncTargets: s.syncTargets ?? [],
    deletionPolicy: s.deletionPolicy ?? 'Delete',
    origin: { file: src.file, line: src.locate([]).line },
  };
}

function toTarget(doc: SyncTarget, src: SourceDocument, problems: SpecProblem[]): SyncTargetSpec | undefined {
  const s = doc.spec;
  if (s.type === 'loadtester' && !s.url && !s.urlFromEnv) {
    problems.push(src.problem(['spec'], 'a loadtester target needs a url', 'url: http://localhost:8080'));
    return undefined;
  }
  if (s.type === 'file' && !s.path) {
    problems.push(src.problem(['spec'], 'a file target needs a path', 'path: users.csv'));
    return undefined;
  }
  const before = problems.length;
  problems.push(...targetSpecProblems(s, src));
  if (problems.length > before) return undefined;
  return {
    name: doc.metadata.name,
    type: s.type,
    ...(s.url !== undefined ? { url: s.url } : {}),
    ...(s.urlFromEnv !== undefined ? { urlFromEnv: s.urlFromEnv } : {}),
    ...(s.auth !== undefined ? { auth: { tokenFromEnv: s.auth.tokenFromEnv } } : {}),
    ...(s.optional ? { optional: true } : {}),
    ...(s.path !== undefined ? { path: s.path } : {}),
    ...(s.type === 'file' ? { format: s.format ?? 'csv' } : {}),
    timeoutSeconds: s.timeoutSeconds ?? 30,
    retry: { attempts: s.retry?.attempts ?? 3, delaySeconds: s.retry?.delaySeconds ?? 15 },
    concurrency: s.concurrency ?? 4,
    chunkSize: s.chunkSize ?? 1000,
    origin: { file: src.file, line: src.locate([]).line },
  };
}

function checkOverlaps(populations: { spec: PopulationSpec; src: SourceDocument }[], problems: SpecProblem[]): void {
  const ranges = populations.map((p) => ({ pattern: p.spec.usernamePattern, idStart: p.spec.idStart, count: p.spec.count }));
  for (const { i, j, overlap } of findAllOverlaps(ranges)) {
    const a = populations[i]!;
    const b = populations[j]!;
    const at = a.src.locate(['spec', 'usernamePattern']);
    problems.push(
      b.src.problem(
        ['spec', 'usernamePattern'],
        `populations "${b.spec.name}" and "${a.spec.name}" can both produce username "${overlap.username}" (ids ${overlap.idB} and ${overlap.idA})`,
        `make the patterns or id ranges disjoint; "${a.spec.name}" is at ${a.src.file}:${at.line}:${at.column}`,
      ),
    );
  }
}

function checkTargetReferences(references: { names: string[]; src: SourceDocument }[], known: Set<string>, problems: SpecProblem[]): void {
  for (const { names, src } of references) {
    names.forEach((name, i) => {
      if (known.has(name)) return;
      const guess = didYouMean(name, [...known]);
      problems.push(
        src.problem(['spec', 'syncTargets', i], `unknown sync target "${name}"`, guess ? `did you mean "${guess}"?` : known.size ? `defined targets: ${[...known].join(', ')}` : 'define it with a kind: SyncTarget document'),
      );
    });
  }
}
