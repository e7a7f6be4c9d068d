import { sql } from 'kysely';
import type { Db } from './openDatabase.ts';

export interface ApiKeyRecord {
  id: string;
  name: string;
  secretHash: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

function toRecord(r: { id: string; name: string; secret_hash: string; created_at: Date; last_used_at: Date | null; revoked_at: Date | null }): ApiKeyRecord {
  return { id: r.id, name: r.name, secretHash: r.secret_hash, createdAt: r.created_at, lastUsedAt: r.last_used_at, revokedAt: r.revoked_at };
}

/** False when an active key already has that name. */
export async function insertApiKey(db: Db, key: { id: string; name: string; secretHash: string }): Promise<boolean> {
  const res = await sql`
    INSERT INTO bulk_api_keys (id, name, secret_hash) VALUES (${key.id}, ${key.name}, ${key.secretHash})
    ON CONFLICT DO NOTHING`.execute(db);
  return Number(res.numAffectedRows ?? 0n) > 0;
}

export async function findApiKey(db: Db, id: string): Promise<ApiKeyRecord | undefined> {
  const r = await db.selectFrom('bulk_api_keys').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? toRecord(r) : undefined;
}

export async function listApiKeys(db: Db): Promise<ApiKeyRecord[]> {
  return (await db.selectFrom('bulk_api_keys').selectAll().orderBy('created_at').execute()).map(toRecord);
}

/** Revokes the active key with this name or id; returns how many were revoked (0 or 1). */
export async function revokeApiKey(db: Db, nameOrId: string): Promise<number> {
  const res = await sql`
    UPDATE bulk_api_keys SET revoked_at = now()
    WHERE revoked_at IS NULL AND (name = ${nameOrId} OR id = ${nameOrId})`.execute(db);
  return Number(res.numAffectedRows ?? 0n);
}

/** At most once a minute per key, so a busy client does not write on every request. */
export async function touchApiKey(db: Db, id: string): Promise<void> {
  await sql`
    UPDATE bulk_api_keys SET last_used_at = now()
    WHERE id = ${id} AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`.execute(db);
}
