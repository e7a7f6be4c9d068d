import { insertApiKey } from '../../db/apiKeys.ts';
import type { Db } from '../../db/openDatabase.ts';
import { OperatorError } from '../../reconcile/errors.ts';
import { generateCredential } from './credentialToken.ts';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/** A new API key; the returned token is the only copy (only its hash is stored). */
export async function createApiKey(db: Db, name: string): Promise<{ id: string; name: string; token: string }> {
  if (!NAME.test(name)) throw new OperatorError(`--name must be 1-63 letters, digits, ".", "_" or "-", starting with a letter or digit (got "${name}")`, 'bad_flag');
  const cred = generateCredential('buk');
  if (!(await insertApiKey(db, { id: cred.id, name, secretHash: cred.secretHash }))) {
    throw new OperatorError(`an active API key named "${name}" exists; revoke it first (bulk-users api-key revoke ${name}) or pick another name`, 'exists');
  }
  return { id: cred.id, name, token: cred.token };
}
