import fs from 'node:fs/promises';

/**
 * Permission bits that let others than the owner read or change `file`, or undefined when
 * there are none (or the file is absent, or the platform has no such bits). Key files and
 * server.json must have none: they open every stored password.
 */
export async function looseModeOf(file: string): Promise<number | undefined> {
  if (process.platform === 'win32') return undefined;
  try {
    const mode = (await fs.stat(file)).mode & 0o777;
    return mode & 0o077 ? mode : undefined;
  } catch {
    return undefined;
  }
}

export function describeLooseMode(file: string, mode: number): string {
  return `${file} can be read or changed by other users (mode ${mode.toString(8).padStart(4, '0')}); run \`chmod 600 ${file}\``;
}
