import type { PopulationSpec } from './DesiredState.ts';

/** The spec as it may be stored or shown: an inline password value is replaced, and where it was read from is dropped. */
export function storableSpec(spec: PopulationSpec): Omit<PopulationSpec, 'origin'> {
  const { origin: _origin, ...rest } = spec;
  return { ...rest, password: 'value' in spec.password ? { value: '[redacted]' } : spec.password };
}

/** A template as it may be shown (GET /config/templates): an inline password value is replaced, like a population's. */
export function redactTemplateSpec<T extends { password?: { value?: string; fromEnv?: string } }>(spec: T): T {
  return spec.password?.value !== undefined ? { ...spec, password: { value: '[redacted]' } } : spec;
}
