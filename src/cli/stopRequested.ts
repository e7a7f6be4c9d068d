/** Resolves on the first SIGTERM/SIGINT (or abort of `signal`), then stops listening for them. */
export function stopRequested(signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      process.off('SIGTERM', done);
      process.off('SIGINT', done);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    process.once('SIGTERM', done);
    process.once('SIGINT', done);
    if (signal?.aborted) done();
    else signal?.addEventListener('abort', done);
  });
}
