// Wraps a browser test: it fails on any console error of its pages, saves screenshots and
// console logs when it fails, and always closes its browsers.

import type { TestContext } from 'vitest';
import { assertNoConsoleErrors, closeActors, saveFailureArtifacts } from './browser';

export function scenario(body: () => Promise<void>) {
  return async (ctx: TestContext): Promise<void> => {
    try {
      await body();
      assertNoConsoleErrors();
    } catch (e) {
      await saveFailureArtifacts(ctx.task.name);
      throw e;
    } finally {
      await closeActors();
    }
  };
}
