import cliProgress from 'cli-progress';
import type { ApplyProgress } from '../apply/applyPlan.ts';

/**
 * A progress bar on an interactive terminal; nothing at all otherwise, so CI logs stay
 * readable (batches are in the log file).
 */
export function createProgressReporter(enabled: boolean): { onProgress?: (p: ApplyProgress) => void; stop(): void } {
  if (!enabled) return { stop() {} };
  const bar = new cliProgress.SingleBar(
    { format: '  applying [{bar}] {percentage}% | {value}/{total} users | {population} {step} | eta {eta_formatted}', hideCursor: true, stream: process.stderr },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    onProgress(p) {
      if (!started) {
        bar.start(p.total, 0, { population: p.population, step: p.step });
        started = true;
      }
      bar.update(p.done, { population: p.population, step: p.step });
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
