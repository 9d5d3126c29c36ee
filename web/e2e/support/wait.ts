// The one way the browser tests wait: poll a condition until it holds, or fail saying what was
// awaited and what was last seen.

export interface WaitOptions {
  timeout?: number;
  message: string;
  interval?: number;
}

export async function waitUntil<T>(check: () => T | Promise<T>, { timeout = 15_000, message, interval = 50 }: WaitOptions): Promise<T> {
  const deadline = Date.now() + timeout;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
      last = value;
    } catch (e) {
      last = e instanceof Error ? e.message : e;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeout} ms: ${message} (last seen: ${JSON.stringify(last)})`);
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}
