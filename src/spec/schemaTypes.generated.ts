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
 * Names of SyncTarget documents that must hold the same users.
 */
export type SyncTargets = string[];

/**
 * This interface was referenced by `undefined`'s JSON-Schema
 * via the `definition` "Metadata".
 */
export interface Metadata {
  /**
   * Unique across all specs; a lower-case DNS label (a-z, 0-9, '-', at most 63 characters).
   */
  name: string;
  labels?: {
    [k: string]: string;
  };
  annotations?: {
    [k: string]: string;
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
 * Free-form profile fields, stored as JSON.
 */
export interface Attributes {
  [k: string]: unknown;
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
  url?: string;
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
   * Create batches written at once, each a COPY on its own pooled connection (the pool holds 4). One stream keeps about one PostgreSQL core busy.
   */
  writeStreams?: number;
  userStore?: UserStoreSpec;
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
