import type { DesiredState, PopulationSpec } from './DesiredState.ts';
import type { SpecProblem } from './SpecProblem.ts';
import { isAddressPattern, usernameFor } from './usernamePattern.ts';

/** The default batchSize; ten times more or less is worth a second look. */
const DEFAULT_BATCH_SIZE = 1000;

/** Domains that can never receive mail (RFC 2606, RFC 6761): safe for test users. */
const RESERVED_SECOND_LEVEL = ['example.com', 'example.net', 'example.org'];
const RESERVED_TLDS = ['test', 'example', 'invalid', 'localhost'];

/**
 * Advice `validate` gives beyond correctness (like lifecycleWarnings): batch sizes far
 * from the default, and e-mail domains that are not reserved for testing, where mail to a
 * test user could reach a real mailbox. Not part of loading specs, so plan and reconcile
 * output stay about changes.
 */
export function practiceWarnings(state: DesiredState): SpecProblem[] {
  const out: SpecProblem[] = [];
  for (const p of state.populations) {
    const at = { severity: 'warning' as const, file: p.origin.file, line: p.origin.line, column: 1 };
    if (p.batchSize * 10 <= DEFAULT_BATCH_SIZE || p.batchSize >= DEFAULT_BATCH_SIZE * 10) {
      out.push({
        ...at,
        message: `population "${p.name}": batchSize ${p.batchSize} is far from the default ${DEFAULT_BATCH_SIZE}`,
        hint:
          p.batchSize < DEFAULT_BATCH_SIZE
            ? 'small batches make large populations slow to create (one transaction each)'
            : 'large batches hold locks longer, and a crash redoes more work',
      });
    }
    const domain = emailDomainOf(p);
    if (domain !== undefined && !isReservedDomain(domain)) {
      out.push({
        ...at,
        message: `population "${p.name}": e-mail domain "${domain}" is not reserved for testing, so mail to these users could reach real mailboxes`,
        hint: 'use example.com (or a subdomain of it), or a .test, .example or .invalid domain',
      });
    }
  }
  return out;
}

/** The domain of the members' e-mail addresses (as the apply step writes them). */
export function emailDomainOf(p: Pick<PopulationSpec, 'pattern' | 'emailDomain' | 'idStart'>): string | undefined {
  if (!isAddressPattern(p.pattern)) return p.emailDomain;
  const sample = usernameFor(p.pattern, p.idStart);
  const at = sample.lastIndexOf('@');
  return at >= 0 ? sample.slice(at + 1) : undefined;
}

export function isReservedDomain(domain: string): boolean {
  const d = domain.toLowerCase().replace(/\.$/, '');
  if (RESERVED_SECOND_LEVEL.some((r) => d === r || d.endsWith(`.${r}`))) return true;
  const tld = d.slice(d.lastIndexOf('.') + 1);
  return RESERVED_TLDS.includes(tld);
}
