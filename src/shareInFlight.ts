/**
 * `compute`, but calls for the same key made while one is running share its promise
 * instead of starting another: many clients polling at once cost one computation, and an
 * answer is never older than the call before it. Keys are held weakly.
 */
export function shareInFlight<K extends object, T>(compute: (key: K) => Promise<T>): (key: K) => Promise<T> {
  const running = new WeakMap<K, Promise<T>>();
  return (key) => {
    let p = running.get(key);
    if (!p) {
      p = compute(key).finally(() => running.delete(key));
      running.set(key, p);
    }
    return p;
  };
}
