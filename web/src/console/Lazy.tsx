// Screens that are seldom opened (admin pages, the mentions list, the shortcuts overlay) load
// their code when first shown, with dynamic import(), so the console's first load stays small.

import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';

/** A component that shows "Loading…" until `load` brings the real one, then renders it. */
export function lazy<P extends object>(load: () => Promise<ComponentType<P>>): ComponentType<P> {
  let loaded: ComponentType<P> | null = null;
  let loading: Promise<ComponentType<P>> | null = null;
  return function Lazy(props: P) {
    const [component, setComponent] = useState<{ Screen: ComponentType<P> } | null>(() => (loaded ? { Screen: loaded } : null));
    const [failed, setFailed] = useState(false);
    useEffect(() => {
      if (component) return;
      loading ??= load().then((c) => (loaded = c));
      loading.then(
        (Screen) => setComponent({ Screen }),
        () => {
          // A new deployment may have replaced the chunk: the next attempt asks again.
          loading = null;
          setFailed(true);
        },
      );
    }, []);
    if (failed) {
      return (
        <p class="error-text lazy-state" role="alert">
          This screen could not be loaded. Check your connection and try again.
        </p>
      );
    }
    if (!component) {
      return (
        <p class="muted lazy-state" aria-busy="true">
          Loading…
        </p>
      );
    }
    const { Screen } = component;
    return <Screen {...props} />;
  };
}
