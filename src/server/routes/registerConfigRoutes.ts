import type { FastifyInstance } from 'fastify';
import { insertSavedTemplate } from '../../db/savedTemplates.ts';
import { HttpError } from '../../http/HttpError.ts';
import { ApiSpecConflictError, ApiSpecInvalidError } from '../../reconcile/apiErrors.ts';
import { apiVariableProblem } from '../../reconcile/apiPasswordVariables.ts';
import { loadTemplates } from '../../reconcile/loadTemplates.ts';
import { checkApiConflicts, prepareApiPopulation, REQUEST_FILE } from '../../reconcile/prepareApiPopulation.ts';
import { buildDesiredState } from '../../spec/loadSpecs.ts';
import { API_VERSION } from '../../spec/schemaValidator.ts';
import type { PopulationTemplateSpec } from '../../spec/schemaTypes.generated.ts';
import { ALIAS_LIMIT_MESSAGE, countYamlDocuments } from '../../spec/SourceDocument.ts';
import { formatProblem, type SpecProblem } from '../../spec/SpecProblem.ts';
import { validateSpecs } from '../../spec/validateSpecs.ts';
import { redactTemplateSpec } from '../../spec/storableSpec.ts';
import { createBodySchema, createRequestToSpec, type CreateBody } from '../createRequestToSpec.ts';
import type { ServerContext } from '../ServerContext.ts';
import { adminSecurity, noQuery, text } from './sharedSchemas.ts';

type ValidateBody = Partial<CreateBody> & CreateBody['config'] & { yaml?: string };

const validateBody = {
  type: 'object',
  additionalProperties: false,
  description:
    'One of three forms: {yaml: "<spec documents>"} (checked exactly like `bulk-users validate`); the body of POST /create, {count, config} (checked exactly like create would, clashes included); ' +
    'or a create config on its own, flat, e.g. {"username_pattern": "user_{id}@example.com", "password": "...", "batch_size": 100}, checked like a create of `count` users (default 1) with that config.',
  properties: {
    ...createBodySchema.properties,
    ...createBodySchema.properties.config.properties,
    yaml: { type: 'string', maxLength: 1_000_000, description: 'One or more YAML spec documents.' },
  },
} as const;

const CREATE_FIELDS = new Set(Object.keys(createBodySchema.properties));

/**
 * Documents one validate request may hold. Validation runs on the event loop, so an
 * unbounded request would stall every other one (health included) while it runs.
 */
export const MAX_VALIDATE_DOCUMENTS = 1000;

interface TemplateBody {
  name: string;
  description?: string;
  spec: Record<string, unknown>;
}

const templateBody = {
  type: 'object',
  required: ['name', 'spec'],
  additionalProperties: false,
  properties: {
    name: { ...text, minLength: 1, description: 'A DNS label, unique among templates.' },
    description: { ...text, maxLength: 1000 },
    spec: { type: 'object', description: 'Any fields of a TestUserPopulation spec (camelCase, as in YAML); no password value.' },
  },
} as const;

/**
 * POST /api/bulk-users/config/validate: {is_valid, errors, warnings} from the same
 * validator as the CLI. GET/POST /api/bulk-users/config/templates: built-in templates
 * (PopulationTemplate documents under the spec directory, e.g. specs/templates/) and
 * saved ones (database); create's `config.template` takes its defaults from one.
 */
export function registerConfigRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.post<{ Body: ValidateBody }>(
    '/api/bulk-users/config/validate',
    { schema: { tags: ['config'], summary: 'Validate spec YAML, or a create request', description: validateBody.description, security: adminSecurity, body: validateBody, querystring: noQuery } },
    async (request) => {
      const body = request.body;
      const { yaml, ...rest } = body;
      if (yaml !== undefined) {
        if (Object.keys(rest).length > 0) throw new HttpError(400, 'invalid_request', `send either "yaml" or a create request ({count, config}), not both (got also ${Object.keys(rest).join(', ')})`);
        const documents = countYamlDocuments(yaml);
        if (documents > MAX_VALIDATE_DOCUMENTS) {
          throw new HttpError(413, 'too_many_documents', `the YAML holds ${documents} documents; config/validate takes at most ${MAX_VALIDATE_DOCUMENTS} per request (run \`bulk-users validate\` on the files, or send them in parts)`);
        }
        const v = validateSpecs([{ file: 'request.yaml', text: yaml }]);
        // A document built to exhaust the parser is refused as a request, not judged as a config.
        const bomb = v.errors.find((p) => p.message.startsWith(ALIAS_LIMIT_MESSAGE));
        if (bomb) throw new HttpError(400, 'invalid_yaml', formatProblem(bomb), { is_valid: false, errors: [bomb] });
        return { is_valid: v.valid, errors: v.errors, warnings: v.warnings };
      }
      const create = asCreateBody(body);
      try {
        const prepared = await prepareApiPopulation(ctx.database.db, { request: createRequestToSpec(create), specsDir: ctx.specsDir, now: ctx.now(), env: ctx.env });
        await checkApiConflicts(ctx.database.db, prepared);
        return { is_valid: true, errors: [] as SpecProblem[], warnings: prepared.warnings };
      } catch (err) {
        if (err instanceof ApiSpecInvalidError || err instanceof ApiSpecConflictError) {
          return { is_valid: false, errors: err.problems.filter((p) => p.severity === 'error'), warnings: err.problems.filter((p) => p.severity === 'warning') };
        }
        throw err;
      }
    },
  );

  app.get('/api/bulk-users/config/templates', { schema: { tags: ['config'], summary: 'Built-in and saved population templates', security: adminSecurity, querystring: noQuery } }, async () => {
    const templates = await loadTemplates(ctx.database.db, ctx.specsDir);
    return {
      templates: templates.map((t) => ({ name: t.name, kind: t.kind, description: t.description ?? null, spec: redactTemplateSpec(t.spec), ...(t.kind === 'builtin' ? { origin: t.origin.file } : {}) })),
    };
  });

  app.post<{ Body: TemplateBody }>(
    '/api/bulk-users/config/templates',
    { schema: { tags: ['config'], summary: 'Save a custom template', security: adminSecurity, body: templateBody, querystring: noQuery } },
    async (request, reply) => {
      const { name, description, spec } = request.body;
      const doc = {
        apiVersion: API_VERSION,
        kind: 'PopulationTemplate',
        metadata: { name, ...(description !== undefined ? { annotations: { description } } : {}) },
        spec,
      };
      const source = { file: REQUEST_FILE, text: `${JSON.stringify(doc, null, 2)}\n` };
      const built = buildDesiredState([source]);
      const variable = apiVariableProblem(source, ctx.env);
      const problems = [...built.problems, ...(variable ? [variable] : [])];
      const template = built.templates[0];
      if (!template || problems.some((p) => p.severity === 'error')) throw new ApiSpecInvalidError(problems);
      if (template.spec.password?.value !== undefined) {
        throw new HttpError(400, 'invalid_config', 'a saved template cannot hold a password value (it would be stored in plain text); use password: { fromEnv: VARIABLE } with a variable BULK_USERS_API_ENV_PREFIX allows (default LOADTEST_…), or give the password in each create request');
      }
      const existing = await loadTemplates(ctx.database.db, ctx.specsDir);
      if (existing.some((t) => t.name === name)) throw new HttpError(409, 'conflict', `a template named "${name}" exists already`);
      if (!(await insertSavedTemplate(ctx.database.db, { name, spec: template.spec as PopulationTemplateSpec, description: description ?? null }))) {
        throw new HttpError(409, 'conflict', `a template named "${name}" exists already`);
      }
      return reply.code(201).send({ template: { name, kind: 'saved', description: description ?? null, spec: template.spec }, warnings: built.problems.filter((p) => p.severity === 'warning') });
    },
  );
}

/**
 * The create form as is; the flat form (the original system's: the config's fields at the
 * top level) as the create request it describes.
 */
function asCreateBody(body: Omit<ValidateBody, 'yaml'>): CreateBody {
  const flat = Object.fromEntries(Object.entries(body).filter(([k]) => !CREATE_FIELDS.has(k))) as CreateBody['config'];
  const flatKeys = Object.keys(flat);
  if (body.config !== undefined) {
    if (flatKeys.length > 0) throw new HttpError(400, 'invalid_request', `put ${flatKeys.join(', ')} inside "config", or send the config flat without "config"`);
    if (body.count === undefined) throw new HttpError(400, 'invalid_request', 'a create request needs count as well as config');
    return body as CreateBody;
  }
  if (flatKeys.length === 0) {
    throw new HttpError(400, 'invalid_request', 'send {yaml: "<spec documents>"}, a create request {count, config}, or a config such as {"username_pattern": "user_{id}@example.com"}');
  }
  return {
    count: body.count ?? 1,
    ...(body.batch_id !== undefined ? { batch_id: body.batch_id } : {}),
    ...(body.labels !== undefined ? { labels: body.labels } : {}),
    config: flat,
  };
}
