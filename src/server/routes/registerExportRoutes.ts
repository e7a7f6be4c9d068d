import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import type { FastifyInstance } from 'fastify';
import { countMembers, readPopulationRecords } from '../../db/batchQueries.ts';
import { readMemberPages, type ExportedMember } from '../../db/readMemberPages.ts';
import { recordedUserStore } from '../../db/userStore/userStoreFor.ts';
import { HttpError } from '../../http/HttpError.ts';
import type { ServerContext } from '../ServerContext.ts';
import { adminSecurity, text } from './sharedSchemas.ts';

interface ExportQuery {
  batch_id?: string;
  format: 'json' | 'csv';
}

const exportQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    batch_id: { ...text, minLength: 1, description: 'Only this batch (404 when unknown).' },
    format: { type: 'string', enum: ['json', 'csv'], default: 'json' },
  },
} as const;

const COLUMNS = ['username', 'email', 'batch_id', 'seq', 'attributes', 'created_at', 'updated_at', 'expires_at', 'is_test_user'] as const;

/**
 * GET /api/bulk-users/export: the managed test users, streamed, as JSON {users: [...]} or
 * CSV, each with is_test_user (true). Never a password or a hash: the query does not select them. (The Load Tester's
 * export is where load-test tools get credentials.)
 */
export function registerExportRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get<{ Querystring: ExportQuery }>(
    '/api/bulk-users/export',
    { schema: { tags: ['bulk-users'], summary: 'Export test users (JSON or CSV, streamed; no passwords or hashes)', security: adminSecurity, querystring: exportQuery } },
    async (request, reply) => {
      const { batch_id: batchId, format } = request.query;
      const { db } = ctx.database;
      const store = await recordedUserStore(db);
      if (batchId !== undefined && (await readPopulationRecords(db, batchId)).length === 0 && !(await countMembers(db, store, batchId)).has(batchId)) {
        throw new HttpError(404, 'not_found', `no batch "${batchId}"`);
      }
      const pages = readMemberPages(db, store, batchId !== undefined ? { population: batchId } : {});
      const stamp = new Date().toISOString().slice(0, 10);
      void reply.header('cache-control', 'no-store').header('content-disposition', `attachment; filename="bulk-users-${batchId ?? 'all'}-${stamp}.${format}"`);
      if (format === 'csv') {
        const rows = Readable.from(flatten(pages, toCsvRow));
        return reply.type('text/csv; charset=utf-8').send(rows.pipe(stringify({ header: true, columns: [...COLUMNS] })));
      }
      return reply.type('application/json; charset=utf-8').send(Readable.from(jsonChunks(pages), { objectMode: false }));
    },
  );
}

function toJson(m: ExportedMember): Record<string, unknown> {
  return {
    username: m.username,
    email: m.email,
    batch_id: m.batch_id,
    seq: m.seq,
    attributes: m.attributes ?? {},
    created_at: m.created_at.toISOString(),
    updated_at: m.updated_at.toISOString(),
    expires_at: m.expires_at?.toISOString() ?? null,
    // The column as stored, not a constant: `select(.is_test_user == false)` must find a production row if one ever got here.
    is_test_user: m.is_test_user,
  };
}

function toCsvRow(m: ExportedMember): Record<string, string | number | null> {
  const j = toJson(m);
  return { ...j, attributes: JSON.stringify(j.attributes), is_test_user: String(j.is_test_user) } as Record<string, string | number | null>;
}

async function* flatten<T, U>(pages: AsyncGenerator<T[]>, map: (t: T) => U): AsyncGenerator<U> {
  for await (const page of pages) for (const item of page) yield map(item);
}

/** Nothing is sent before the first page is read, so an early failure is still a JSON error, not a cut 200. */
async function* jsonChunks(pages: AsyncGenerator<ExportedMember[]>): AsyncGenerator<string> {
  let first = true;
  for await (const page of pages) {
    const items = page.map((m) => JSON.stringify(toJson(m))).join(',');
    if (page.length === 0) continue;
    yield first ? `{"users":[${items}` : `,${items}`;
    first = false;
  }
  yield first ? '{"users":[]}' : ']}';
}
