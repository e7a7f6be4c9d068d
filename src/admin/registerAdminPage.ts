import { createHmac } from 'node:crypto';
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { currentLeader } from '../db/leaderLock.ts';
import { listRunDeletions } from '../db/runDeletions.ts';
import { listRuns } from '../db/runHistory.ts';
import { HttpError } from '../http/HttpError.ts';
import { isDatabaseUnavailable } from '../http/isDatabaseUnavailable.ts';
import { renderPlan } from '../cli/renderPlan.ts';
import { planOptionsFor } from '../plan/planReconcile.ts';
import { ApiSpecConflictError, ApiSpecInvalidError } from '../reconcile/apiErrors.ts';
import { cleanupBatch } from '../reconcile/cleanupBatch.ts';
import { createApiPopulation } from '../reconcile/createApiPopulation.ts';
import { identify } from '../reconcile/identify.ts';
import { loadDesiredState } from '../reconcile/loadDesiredState.ts';
import { loadTemplates } from '../reconcile/loadTemplates.ts';
import { reconcile, type ReconcileResult } from '../reconcile/reconcile.ts';
import { reconcileForApi } from '../reconcile/reconcileForApi.ts';
import { deleteSession } from '../db/sessions.ts';
import { login } from '../server/auth/login.ts';
import { requestRunContext } from '../server/requestRunContext.ts';
import { classifyServerError } from '../server/classifyServerError.ts';
import { createRequestToSpec, type CreateBody } from '../server/createRequestToSpec.ts';
import { describeBatches } from '../server/describeBatches.ts';
import type { ServerContext } from '../server/ServerContext.ts';
import { formatProblem } from '../spec/SpecProblem.ts';
import { ApplyJobs } from './ApplyJobs.ts';
import { clearSessionCookie, describePrincipal, pageAccess, secureCookiesForced, SESSION_COOKIE, setSessionCookie } from './adminSession.ts';
import type { SafeHtml } from './html.ts';
import { BASE, errorBox, layout } from './layout.ts';
import { applyView, cleanupConfirmView, cleanupDoneView, cleanupView, createdView, createView, loginView, planView, populationsView, runsView, type CreateForm } from './views.ts';

type Form = Record<string, string | undefined>;

/** Admin routes stay out of the OpenAPI document: they are pages, not API. */
const hidden = { hide: true };

/**
 * The admin web page at /admin/bulk-users/: server-rendered HTML over the same core
 * functions as the HTTP API (describeBatches, reconcile, cleanupBatch, createApiPopulation,
 * identify, listRuns). Log in with a form (login(), the API's own) to a cookie session
 * (HttpOnly, SameSite=Strict, Secure over HTTPS or with BULK_USERS_SECURE_COOKIES=true);
 * every form carries a CSRF token. API keys and bearer tokens work too, and DISABLE_AUTH
 * means what it means for the API. Form bodies are parsed in this scope only: the API
 * stays JSON-only.
 */
/** What a CSRF token is bound to: the request's session cookie, or none (the login form). Never empty: the library refuses that. */
function csrfUserInfo(request: FastifyRequest): string {
  const session = request.cookies[SESSION_COOKIE];
  return session ? `session:${session}` : 'no-session';
}

function csrfToken(request: FastifyRequest, reply: FastifyReply): string {
  return reply.generateCsrf({ userInfo: csrfUserInfo(request) });
}

export async function registerAdminPage(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  const jobs = new ApplyJobs<ReconcileResult>();
  const viaHeader = new WeakSet<FastifyRequest>();
  await app.register(async (admin) => {
    await admin.register(cookie);
    await admin.register(csrf, {
      sessionPlugin: '@fastify/cookie',
      cookieKey: 'bu_admin_csrf',
      cookieOpts: { path: BASE, httpOnly: true, sameSite: 'strict', secure: secureCookiesForced(ctx.env) },
      // Each token is bound to the session cookie it was issued with: a CSRF cookie and token
      // pair obtained elsewhere (cookie tossing from another port of this host is same-site)
      // does not pass with an administrator's session. The key derives from the server's
      // secret key, so every replica accepts the others' tokens.
      getUserInfo: csrfUserInfo,
      csrfOpts: { hmacKey: createHmac('sha256', ctx.secretKey).update('bulk-users admin csrf').digest() },
    });
    await admin.register(formbody, { bodyLimit: 64 * 1024 });
    admin.setErrorHandler((err: FastifyError, request, reply) => sendError(ctx, request, reply, err));

    const send = (reply: FastifyReply, status: number, title: string, body: SafeHtml, extra: { current?: string; request?: FastifyRequest; refresh?: number } = {}) => {
      const p = extra.request?.principal;
      const token = p?.kind === 'user' && extra.request ? csrfToken(extra.request, reply) : undefined;
      return reply
        .code(status)
        .type('text/html; charset=utf-8')
        .header('cache-control', 'no-store')
        .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'")
        .send(layout({ title, ...(extra.current ? { current: extra.current } : {}), ...(p ? { who: describePrincipal(p) } : {}), ...(token ? { csrfToken: token } : {}), ...(extra.refresh ? { refresh: extra.refresh } : {}) }, body).value);
    };

    admin.get(BASE, { schema: hidden }, async (_request, reply) => reply.redirect(`${BASE}/`, 303));

    admin.get(`${BASE}/login`, { schema: hidden }, async (request, reply) => {
      const access = await pageAccess(ctx, request);
      if (access.ok) return reply.redirect(`${BASE}/`, 303);
      return send(reply, 200, 'Log in', loginView(csrfToken(request, reply)));
    });

    admin.post<{ Body: Form }>(`${BASE}/login`, { schema: hidden, preHandler: admin.csrfProtection }, async (request, reply) => {
      const username = field(request.body, 'username');
      const password = field(request.body, 'password');
      // The API's login core: the same failed-login lockout (per username and address) and session policy.
      const outcome = username && password ? await login(ctx.database.db, username, password, { address: request.ip, sessions: ctx.sessions, protection: ctx.loginProtection, now: ctx.now() }) : undefined;
      if (outcome && !outcome.ok && outcome.reason === 'locked') {
        request.log.warn({ username, address: request.ip, scope: outcome.scope }, 'admin page login refused: locked after too many failed attempts');
        void reply.header('retry-after', String(outcome.retryAfterSeconds));
        return send(reply, 429, 'Log in', loginView(csrfToken(request, reply), { username, message: `Too many failed logins; try again in ${outcome.retryAfterSeconds} s.` }));
      }
      if (!outcome?.ok) {
        request.log.info({ username }, 'admin page login failed');
        return send(reply, 401, 'Log in', loginView(csrfToken(request, reply), { username, message: 'Unknown username or wrong password.' }));
      }
      if (!outcome.account.isAdmin) {
        // The session login() opened is never handed out: end it at once.
        await deleteSession(ctx.database.db, outcome.sessionId);
        request.log.info({ username }, 'admin page login refused: not an administrator');
        return send(reply, 403, 'Log in', loginView(csrfToken(request, reply), { message: `User "${outcome.account.username}" is not an administrator; the admin page is for administrators only.` }));
      }
      setSessionCookie(ctx, request, reply, outcome.token, outcome.ttlMs);
      return reply.redirect(`${BASE}/`, 303);
    });

    admin.post(`${BASE}/logout`, { schema: hidden, preHandler: admin.csrfProtection }, async (request, reply) => {
      // Logging out ends the session itself, as POST /api/auth/logout does, not only the cookie.
      const access = await pageAccess(ctx, request);
      if (access.ok && access.via === 'cookie' && access.principal.kind === 'user') await deleteSession(ctx.database.db, access.principal.sessionId);
      clearSessionCookie(ctx, request, reply);
      return reply.redirect(`${BASE}/login`, 303);
    });

    // Everything below needs an administrator (or an API key, or DISABLE_AUTH).
    await admin.register(async (pages) => {
      pages.addHook('onRequest', async (request, reply) => {
        const access = await pageAccess(ctx, request);
        if (access.ok) {
          request.principal = access.principal;
          if (access.via === 'header') viaHeader.add(request);
          return;
        }
        if (access.status === 401 && request.method === 'GET') return reply.redirect(`${BASE}/login`, 303);
        return send(reply, access.status, access.status === 401 ? 'Log in' : 'Forbidden', errorBox(access.message));
      });
      // Forms need the CSRF token, unless the request authenticated with an API credential header, which a cross-site form cannot send.
      pages.addHook('preHandler', (request, reply, done) => {
        if (request.method !== 'POST' || viaHeader.has(request)) return done();
        pages.csrfProtection(request, reply, done);
      });
      const runContext = (request: FastifyRequest) => requestRunContext(ctx, request.principal!);
      const desiredState = async () => (await loadDesiredState({ db: ctx.database.db, specsDir: ctx.specsDir, env: ctx.env, secretKey: ctx.secretKey })).state;

      pages.get(`${BASE}/`, { schema: hidden }, async (request, reply) => {
        const [{ batches, spec_errors }, leader] = await Promise.all([describeBatches(ctx), currentLeader(ctx.database.db)]);
        return send(reply, 200, 'Populations', populationsView(batches, { ...(spec_errors ? { specErrors: spec_errors } : {}), leader: leader?.identity ?? null, activeOperations: ctx.operations.list().length }), { current: '/', request });
      });

      pages.get(`${BASE}/plan`, { schema: hidden }, async (request, reply) => {
        const state = await desiredState();
        const { plan } = await reconcile(ctx.database, { ...runContext(request), state, dryRun: true, trigger: 'api', planOptions: planOptionsFor(state) });
        return send(reply, 200, 'Plan', planView(renderPlan(plan), plan.summary, plan.hasChanges, plan.guard.refused ? plan.guard.message : undefined, csrfToken(request, reply)), { current: '/plan', request });
      });

      pages.post<{ Body: Form }>(`${BASE}/apply`, { schema: hidden }, async (request, reply) => {
        if (field(request.body, 'confirm') !== 'yes') throw new HttpError(400, 'not_confirmed', 'tick the confirmation box to apply the plan');
        const confirmed = count(request.body, 'confirmed_deletes');
        const state = await desiredState();
        const context = runContext(request);
        const job = jobs.start((onProgress) =>
          ctx.operations.run('apply', 'admin page', (signal) =>
            reconcileForApi(ctx.database, state, { ...context, signal, onProgress, confirm: async (plan) => plan.summary.delete + plan.summary.syncDelete <= confirmed }),
          ),
        );
        return reply.redirect(`${BASE}/apply/${job.id}`, 303);
      });

      pages.get<{ Params: { id: string } }>(`${BASE}/apply/:id`, { schema: hidden }, async (request, reply) => {
        const job = jobs.get(request.params.id);
        if (!job) throw new HttpError(404, 'not_found', 'no such apply on this server (it may have been restarted); see the run history');
        return send(reply, 200, job.done ? 'Apply finished' : 'Applying', applyView(job, describeError), { current: '/plan', request, ...(job.done ? {} : { refresh: 1 }) });
      });

      pages.get(`${BASE}/runs`, { schema: hidden }, async (request, reply) => {
        const runs = await listRuns(ctx.database.db, { limit: 50 });
        const deletions = await listRunDeletions(ctx.database.db, runs.map((r) => r.id));
        return send(reply, 200, 'Run history', runsView(runs, deletions), { current: '/runs', request });
      });

      pages.get(`${BASE}/cleanup`, { schema: hidden }, async (request, reply) => {
        const { candidates } = await identify(ctx.database.db, await desiredState(), ctx.now());
        return send(reply, 200, 'Cleanup', cleanupView(candidates), { current: '/cleanup', request });
      });

      pages.get<{ Querystring: Form }>(`${BASE}/cleanup/confirm`, { schema: hidden }, async (request, reply) => {
        const batchId = required(request.query, 'batch_id');
        const dry = await cleanupBatch(ctx.database, { ...runContext(request), batchId, dryRun: true, allowMassDelete: false });
        return send(reply, 200, `Clean up ${batchId}`, cleanupConfirmView(batchId, dry.deleted, csrfToken(request, reply)), { current: '/cleanup', request });
      });

      pages.post<{ Body: Form }>(`${BASE}/cleanup`, { schema: hidden }, async (request, reply) => {
        const batchId = required(request.body, 'batch_id');
        if (field(request.body, 'confirm') !== 'yes') throw new HttpError(400, 'not_confirmed', `tick the box to confirm deleting the users of ${batchId}`);
        const confirmed = count(request.body, 'confirmed_count');
        const base = { ...runContext(request), batchId, allowMassDelete: false };
        const dry = await cleanupBatch(ctx.database, { ...base, dryRun: true });
        if (dry.deleted !== confirmed) throw new HttpError(409, 'changed', `cleaning up ${batchId} now deletes ${dry.deleted} user(s), not the ${confirmed} you confirmed; nothing was deleted — review it again`);
        const r = await ctx.operations.run('cleanup', batchId, (signal) => cleanupBatch(ctx.database, { ...base, dryRun: false, signal }));
        return send(reply, 200, 'Cleanup done', cleanupDoneView(batchId, r.deleted, r.outcome), { current: '/cleanup', request });
      });

      pages.get(`${BASE}/create`, { schema: hidden }, async (request, reply) => {
        const templates = await loadTemplates(ctx.database.db, ctx.specsDir);
        return send(reply, 200, 'Create a batch', createView(templates, csrfToken(request, reply)), { current: '/create', request });
      });

      pages.post<{ Body: Form }>(`${BASE}/create`, { schema: hidden }, async (request, reply) => {
        const f = request.body ?? {};
        const form: CreateForm = { template: opt(f, 'template'), batch_id: opt(f, 'batch_id'), count: opt(f, 'count'), username_pattern: opt(f, 'username_pattern'), ttl: opt(f, 'ttl') };
        const again = async (status: number, problems: string[]) =>
          send(reply, status, 'Create a batch', createView(await loadTemplates(ctx.database.db, ctx.specsDir), csrfToken(request, reply), form, problems), { current: '/create', request });
        const n = Number(form.count);
        if (!form.count || !Number.isInteger(n) || n < 1) return again(400, [`Number of users must be a whole number of at least 1 (got "${form.count ?? ''}")`]);
        const password = opt(f, 'password');
        const body: CreateBody = {
          count: n,
          ...(form.batch_id ? { batch_id: form.batch_id } : {}),
          config: {
            ...(form.template ? { template: form.template } : {}),
            ...(form.username_pattern ? { username_pattern: form.username_pattern } : {}),
            ...(password ? { password } : {}),
            ...(form.ttl ? { ttl: form.ttl } : {}),
          },
        };
        try {
          const r = await ctx.operations.run('create', form.batch_id ?? '(generated name)', (signal) =>
            createApiPopulation(ctx.database, { ...runContext(request), request: createRequestToSpec(body), signal }),
          );
          return send(reply, 201, 'Batch created', createdView(r), { current: '/create', request });
        } catch (err) {
          if (err instanceof ApiSpecInvalidError || err instanceof ApiSpecConflictError) {
            return again(err instanceof ApiSpecInvalidError ? 400 : 409, err.problems.filter((p) => p.severity === 'error').map(formatProblem));
          }
          throw err;
        }
      });
    });
  });
}

function field(form: Form | undefined, name: string): string | undefined {
  const v = form?.[name];
  return typeof v === 'string' ? v : undefined;
}

function opt(form: Form, name: string): string | undefined {
  const v = field(form, name)?.trim();
  return v ? v : undefined;
}

function required(form: Form | undefined, name: string): string {
  const v = field(form, name)?.trim();
  if (!v) throw new HttpError(400, 'invalid_request', `the form field "${name}" is missing`);
  return v;
}

function count(form: Form | undefined, name: string): number {
  const raw = field(form, name);
  const n = Number(raw);
  if (raw === undefined || raw === '' || !Number.isInteger(n) || n < 0) throw new HttpError(400, 'invalid_request', `the form field "${name}" must be a whole number (got "${raw ?? ''}")`);
  return n;
}

function describeError(err: unknown): string {
  const c = classifyServerError(err as FastifyError);
  if (c) return c.body.message;
  if (err instanceof HttpError) return err.message;
  if (isDatabaseUnavailable(err)) return 'the database cannot be reached; try again later';
  return 'unexpected error; details are in the server log';
}

/** Errors as an HTML page with the status the API would give; never a stack trace. */
function sendError(ctx: ServerContext, request: FastifyRequest, reply: FastifyReply, err: FastifyError): FastifyReply {
  const classified = classifyServerError(err);
  let status: number;
  let message: string;
  let details: string[] = [];
  if (classified) {
    status = classified.status;
    message = classified.body.message;
    const errors = classified.body.errors;
    if (Array.isArray(errors)) details = errors.map((p) => formatProblem(p as Parameters<typeof formatProblem>[0]));
  } else if (err instanceof HttpError) {
    status = err.status;
    message = err.message;
  } else if (err.code === 'FST_CSRF_INVALID_TOKEN' || err.code === 'FST_CSRF_MISSING_SECRET') {
    status = 403;
    message = 'the form expired or did not come from this page (CSRF check failed); reload the page and try again';
  } else if (isDatabaseUnavailable(err)) {
    status = 503;
    message = 'the database cannot be reached; try again later';
  } else if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
    status = err.statusCode;
    message = err.message;
  } else {
    status = 500;
    message = 'unexpected error; details are in the server log';
  }
  if (status >= 500) request.log.error({ err }, message);
  else request.log.info({ status }, message);
  void ctx;
  return reply
    .code(status)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(layout({ title: status === 403 ? 'Forbidden' : 'Error', ...(request.principal ? { who: describePrincipal(request.principal) } : {}) }, errorBox(message, details)).value);
}
