/* Generated from schemas/bulk-users.schema.json by npm run gen:types. Do not edit. */

/**
 * One YAML document of a bulk-users spec file. The kind selects the shape.
 */
export type BulkUsersSpecDocument = {
  apiVersion: "bulk-users/v1";
  kind: "TestUserPopulation" | "SyncTarget" | "ReconcilerConfig" | "PopulationTemplate";
  metadata: Metadata;
  spec: {
    [k: string]: unknown;
  };
  [k: string]: unknown;
};
/**
 * Text inside attributes: no control character other than tab, line feed and carriage return (no U+0000-U+0008, U+000B, U+000C, U+000E-U+001F, U+007F-U+009F, U+2028, U+2029), and no unpaired UTF-16 surrogate (which PostgreSQL cannot store).
 *
 * This interface was referenced by `undefined`'s JSON-Schema
 * via the `definition` "AttributeText".
 */
export type AttributeText = string;
/**
 * Any JSON value; the rule of AttributeText applies to every string and key inside it.
 *
 * This interface was referenced by `undefined`'s JSON-Schema
 * via the `definition` "AttributeValue".
 */
export type AttributeValue = unknown;
/**
 * Names of SyncTarget documents that must hold the same users.
 */
export type SyncTargets = string[];
/**
 * How test users' passwords are hashed: the format the application's login code accepts. Each algorithm takes only its own parameters; left out, they take the defaults named in their descriptions. Changing the algorithm or a parameter rehashes each population once on the next reconcile.
 *
 * This interface was referenced by `undefined`'s JSON-Schema
 * via the `definition` "PasswordHash".
 */
export type PasswordHash = PasswordHash1;

/**
 * This interface was referenced by `undefined`'s JSON-Schema
 * via the `definition` "Metadata".
 */
export interface Metadata {
  /**
   * Unique across all specs; lower-case a-z, 0-9, '-' and '_' (a DNS label, or a name such as load_tester), starting and ending with a letter or digit, at most 63 characters: safe in URLs and file names.
   */
  name: string;
  labels?: {
    [k: string]: AttributeText;
  };
  annotations?: {
    [k: string]: AttributeText;
  };
}
/**
 * This interface was referenced by `undefined`'s JSON-Schema
 * via the `definition` "TestUserPopulation".
 */
export interface TestUserPopulation {
  apiVersion: "bulk-users/v1";
  kind: "TestUserPopulation";
  metadata: Metadata;
  spec: PopulationSpec;
}
/**
 * This interface was referenced by `undefined`'s JSON-Schema
 * via the `definition` "PopulationSpec".
 */
export interface PopulationSpec {
  /**
   * How many users the population has.
   */
  count: number;
  /**
   * Username of member n; exactly one {id} placeholder, replaced by idStart + n.
   */
  usernamePattern: string;
  /**
   * Sequence number of the first member.
   */
  idStart?: number;
  /**
   * email = username when the username is an address, else username@emailDomain.
   */
  emailDomain?: string;
  password: PasswordSource;
  attributes?: Attributes;
  /**
   * Rows per transaction.
   */
  batchSize?: number;
  /**
   * Lease length: 30m, 12h, 7d, 2w.
   */
  ttl?: string;
  /**
   * RFC 3339 instant after which the population expires.
   */
  expiresAt?: string;
  syncTargets?: SyncTargets;
  /**
   * What removing this spec does to its users.
   */
  deletionPolicy?: "Delete" | "Retain";
}
/**
 * This interface was referenced by `undefined`'s JSON-Schema
 * via the `definition` "PasswordSource".
 */
export interface PasswordSource {
  /**
   * Name of the environment variable that holds the password.
   */
  fromEnv?: string;
  /**
   * The password itself (allowed, but warned: specs live in git).
   */
  value?: string;
}
/**
 * Free-form profile fields, stored as JSON. Text in them (keys and string values, at any depth) may hold tab, line feed and carriage return but no other control character.
 */
export interface Attributes {
  [k: string]: AttributeValue;
}
/**
 * This interface was referenced by `undefined`'s JSON-Schema
 * via the `definition` "SyncTarget".
 */
export interface SyncTarget {
  apiVersion: "bulk-users/v1";
  kind: "SyncTarget";
  metadata: Metadata;
  spec: SyncTargetSpec;
}
/**
 * This interface was referenced by `undefined`'s JSON-Schema
 * via the `definition` "SyncTargetSpec".
 */
export interface SyncTargetSpec {
  type: "loadtester" | "file";
  /**
   * loadtester: the Load Tester's base URL; with urlFromEnv, the default when that variable is unset or empty.
   */
  url?: string;
  /**
   * loadtester: name of an environment variable of the reconciler holding the base URL (e.g. LOADTESTER_URL); it wins over url when set.
   */
  urlFromEnv?: string;
  auth?: SyncTargetAuth;
  /**
   * A target that cannot be reached (connection refused, unknown host, timeout) is a warning instead of an error: the run succeeds, its records stay pending, and the next run sends them. Connection failures are not retried.
   */
  optional?: boolean;
  /**
   * file: where to write, relative to the file target directory (ReconcilerConfig fileTargetDir, default out/ beside the specs directory). No absolute path, no '..'.
   */
  path?: string;
  format?: "artillery-csv" | "csv" | "k6-json";
  timeoutSeconds?: number;
  retry?: {
    attempts?: number;
    delaySeconds?: number;
  };
  concurrency?: number;
  chunkSize?: number;
}
/**
 * loadtester: where the token comes from. Default { tokenFromEnv: LOADTESTER_TOKEN }; when that variable is unset and url is a loopback address, the token file of a Load Tester sharing the data directory is used.
 */
export interface SyncTargetAuth {
  /**
   * Name of the environment variable of the reconciler holding the Load Tester's write token. Never the token itself: specs live in git.
   */
  tokenFromEnv: string;
}
/**
 * This interface was referenced by `undefined`'s JSON-Schema
 * via the `definition` "ReconcilerConfig".
 */
export interface ReconcilerConfig {
  apiVersion: "bulk-users/v1";
  kind: "ReconcilerConfig";
  metadata: Metadata;
  spec: ReconcilerConfigSpec;
}
/**
 * This interface was referenced by `undefined`'s JSON-Schema
 * via the `definition` "ReconcilerConfigSpec".
 */
export interface ReconcilerConfigSpec {
  /**
   * Never delete a row that is not is_test_user = true and owned by a population the reconciler knows.
   */
  strictMode?: boolean;
  /**
   * Largest share of managed users one run may delete without --allow-mass-delete.
   */
  maxDeletePercent?: number;
  /**
   * When false, a cleanup deletes a population from the database only after every target confirmed deleting it.
   */
  allowPartialCleanup?: boolean;
  /**
   * An interactive run asks before deleting; a non-interactive one needs --yes.
   */
  confirmationRequired?: boolean;
  /**
   * The only directory file targets write into, relative to the directory that holds the specs directory (absolute allowed). Files already there that bulk-users did not write are never replaced.
   */
  fileTargetDir?: string;
  /**
   * Create batches written at once, each a COPY on its own pooled connection (the pool holds 4): 1-4, or auto (the default) to measure the first batches of a large create on one stream and on two and go on with the faster.
   */
  writeStreams?: 1 | 2 | 3 | 4 | "auto";
  passwordHash?: PasswordHash;
  userStore?: UserStoreSpec;
}
export interface PasswordHash1 {
  /**
   * The format the application's login code reads: scrypt (this project's own scrypt$N$r$p$salt$hash), bcrypt ($2b$), argon2id (PHC string), django-pbkdf2-sha256 (pbkdf2_sha256$...), werkzeug-scrypt (scrypt:N:r:p$...) or werkzeug-pbkdf2-sha256 (pbkdf2:sha256:N$...).
   */
  algorithm: "scrypt" | "werkzeug-scrypt" | "bcrypt" | "argon2id" | "django-pbkdf2-sha256" | "werkzeug-pbkdf2-sha256";
  /**
   * scrypt CPU/memory cost N, a power of two up to 131072 (default 32768).
   */
  n?: 1024 | 2048 | 4096 | 8192 | 16384 | 32768 | 65536 | 131072;
  /**
   * scrypt block size r (default 8).
   */
  r?: number;
  /**
   * scrypt parallelization p (default 1).
   */
  p?: number;
  /**
   * bcrypt cost, log2 of the rounds (default 12).
   */
  cost?: number;
  /**
   * argon2id memory in KiB, m= (default 19456).
   */
  memoryCost?: number;
  /**
   * argon2id passes, t= (default 2).
   */
  timeCost?: number;
  /**
   * argon2id lanes, p= (default 1).
   */
  parallelism?: number;
  /**
   * PBKDF2-HMAC-SHA256 iterations (default 1000000, the value of Django 5.2 and Werkzeug 3.1).
   */
  iterations?: number;
}
/**
 * Where test users are written. Without it: the embedded users table. With it: the application's own table; ownership (population, seq, content hash, lease end) stays in bulk_user_ownership, keyed by the table's primary key, so the table needs no ALTER.
 *
 * This interface was referenced by `undefined`'s JSON-Schema
 * via the `definition` "UserStoreSpec".
 */
export interface UserStoreSpec {
  /**
   * The application's users table, schema-qualified (public.auth_user).
   */
  table: string;
  /**
   * Its primary key column (smallint, integer or bigint).
   */
  primaryKey: string;
  columns: {
    /**
     * Column holding the username (needs a unique index). May be the email column when usernames are addresses.
     */
    username: string;
    /**
     * Column holding the e-mail address.
     */
    email?: string;
    /**
     * Column holding the password hash.
     */
    passwordHash: string;
  };
  /**
   * What marks a row as a test user: column = value. Every other row is a production user, never written.
   */
  testUserMarker: {
    column: string;
    equals: string | number | boolean;
  };
  /**
   * Columns set on create: a literal, or {now: true}.
   */
  staticColumns?: {
    [k: string]:
      | string
      | number
      | boolean
      | null
      | {
          /**
           * The time of the insert (now()).
           */
          now: true;
        };
  };
  /**
   * Where population attributes are written in the application's table: one jsonb column, and/or some attributes to columns. Sync targets get the population's attributes either way.
   */
  attributes?: {
    jsonColumn?: string;
    columns?: {
      [k: string]: string;
    };
  };
  /**
   * Rows of the application that reference a test user (orders, sessions): deleted first, in the same transaction, only where they reference a managed test user being deleted.
   */
  dependents?: {
    table: string;
    column: string;
  }[];
  /**
   * Install the statement-level guard trigger on the mapped table too (needs its owner's rights; costs every UPDATE and DELETE of the application a transition table). Every statement of the reconciler carries the marker and ownership predicate either way.
   */
  guardTrigger?: boolean;
}
/**
 * Named defaults for TestUserPopulation specs created through the HTTP API (specs/templates/ holds the built-in ones). metadata.annotations.description describes it.
 *
 * This interface was referenced by `undefined`'s JSON-Schema
 * via the `definition` "PopulationTemplate".
 */
export interface PopulationTemplate {
  apiVersion: "bulk-users/v1";
  kind: "PopulationTemplate";
  metadata: Metadata;
  spec: PopulationTemplateSpec;
}
/**
 * Any field of a PopulationSpec, all optional: the defaults a population created from this template starts from.
 *
 * This interface was referenced by `undefined`'s JSON-Schema
 * via the `definition` "PopulationTemplateSpec".
 */
export interface PopulationTemplateSpec {
  /**
   * How many users the population has.
   */
  count?: number;
  /**
   * Username of member n; exactly one {id} placeholder, replaced by idStart + n.
   */
  usernamePattern?: string;
  /**
   * Sequence number of the first member.
   */
  idStart?: number;
  /**
   * email = username when the username is an address, else username@emailDomain.
   */
  emailDomain?: string;
  password?: PasswordSource;
  attributes?: Attributes;
  /**
   * Rows per transaction.
   */
  batchSize?: number;
  /**
   * Lease length: 30m, 12h, 7d, 2w.
   */
  ttl?: string;
  /**
   * RFC 3339 instant after which the population expires.
   */
  expiresAt?: string;
  syncTargets?: SyncTargets;
  /**
   * What removing this spec does to its users.
   */
  deletionPolicy?: "Delete" | "Retain";
}
