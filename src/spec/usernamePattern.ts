/** A username pattern split around its single `{id}`: username = prefix + id + suffix. */
export interface UsernamePattern {
  prefix: string;
  suffix: string;
}

export type PatternCheck = { ok: true; pattern: UsernamePattern } | { ok: false; message: string; hint: string };

/**
 * The placeholder rules users of the old scripts tripped over, each with its own message:
 * shell-style `${id}`, `{index}` from another tool, a missing or a doubled `{id}`.
 */
export function parseUsernamePattern(pattern: string): PatternCheck {
  if (pattern.includes('${id}')) {
    return { ok: false, message: `usernamePattern "${pattern}" uses \${id}`, hint: 'use {id}, without the dollar sign' };
  }
  if (/\{index\}/.test(pattern)) {
    return { ok: false, message: `usernamePattern "${pattern}" uses {index}`, hint: 'use {id}' };
  }
  const count = pattern.split('{id}').length - 1;
  if (count === 0) {
    const other = /\{[^}]*\}/.exec(pattern)?.[0];
    return {
      ok: false,
      message: `usernamePattern "${pattern}" has no {id} placeholder`,
      hint: other ? `replace ${other} with {id}` : 'add {id} where the sequence number goes, e.g. "loadtest_{id}@example.com"',
    };
  }
  if (count > 1) {
    return { ok: false, message: `usernamePattern "${pattern}" has ${count} {id} placeholders`, hint: 'use exactly one {id}' };
  }
  const [prefix = '', suffix = ''] = pattern.split('{id}');
  const stray = /[{}]/.exec(prefix + suffix);
  if (stray) {
    return { ok: false, message: `usernamePattern "${pattern}" has a stray "${stray[0]}" besides {id}`, hint: 'only {id} is a placeholder' };
  }
  if (/\s/.test(pattern)) {
    return { ok: false, message: `usernamePattern "${pattern}" contains whitespace`, hint: 'usernames cannot contain spaces' };
  }
  return { ok: true, pattern: { prefix, suffix } };
}

export function usernameFor(p: UsernamePattern, seq: number): string {
  return `${p.prefix}${seq}${p.suffix}`;
}

/** Whether usernames of this pattern are e-mail addresses themselves. */
export function isAddressPattern(p: UsernamePattern): boolean {
  return (p.prefix + p.suffix).includes('@');
}

/** What follows a member's username in its e-mail address: nothing when the username is one. */
export function emailSuffixFor(p: UsernamePattern, emailDomain: string): string {
  return isAddressPattern(p) ? '' : `@${emailDomain}`;
}
