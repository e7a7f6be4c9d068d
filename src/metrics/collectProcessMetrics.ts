import { collectDefaultMetrics, type Registry } from 'prom-client';

/**
 * prom-client's defaults (process_*, nodejs_*), minus the three gauges it names with a
 * counter's `_total` suffix, which `promtool check metrics` rejects; their per-type
 * breakdowns (nodejs_active_handles, nodejs_active_requests, nodejs_active_resources) stay.
 */
export function collectProcessMetrics(registry: Registry): void {
  collectDefaultMetrics({ register: registry });
  for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) registry.removeSingleMetric(name);
}
