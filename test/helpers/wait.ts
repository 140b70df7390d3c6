// Waiting for an observable sign (a row written, a process gone, a message delivered) instead of
// sleeping a fixed time: for real I/O and real processes only; timers are tested on a fake clock.

/** Polls until `check` returns something truthy, failing with `what` after `timeoutMs`. */
type Maybe<T> = T | undefined | null | false;

export async function waitFor<T>(check: () => Maybe<T> | Promise<Maybe<T>>, what = 'condition', timeoutMs = 3000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
