// Preact glue: re-render when an observable changes, and a clock for "waited 3 min" labels.

import { useEffect, useReducer, useState } from 'preact/hooks';
import type { Observable } from './observable';

/** Re-renders the component whenever one of the observables notifies. */
export function useObservable(...observables: (Observable | null | undefined)[]): void {
  const [, bump] = useReducer((n: number, _: unknown) => n + 1, 0);
  const rendered = observables.map((o) => o?.version);
  useEffect(() => {
    const offs = observables.map((o) => o?.subscribe(() => bump(undefined)));
    // Effects run after the paint: a change between the render and the subscription (say, a
    // history page arriving just then) would otherwise stay unseen until the next one.
    if (observables.some((o, i) => o && o.version !== rendered[i])) bump(undefined);
    return () => offs.forEach((off) => off?.());
  }, observables);
}

/** The current time, refreshed every `everyMs`. */
export function useNow(everyMs = 15_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}

/** Whether the page is visible (a hidden tab does not read messages). */
export function usePageVisible(): boolean {
  const [visible, setVisible] = useState(() => document.visibilityState === 'visible');
  useEffect(() => {
    const update = () => setVisible(document.visibilityState === 'visible');
    document.addEventListener('visibilitychange', update);
    return () => document.removeEventListener('visibilitychange', update);
  }, []);
  return visible;
}

/** Whether the viewport is phone-sized (one pane at a time). */
export function useNarrow(maxWidth = 760): boolean {
  const query = `(max-width: ${maxWidth}px)`;
  const [narrow, setNarrow] = useState(() => window.matchMedia(query).matches);
  useEffect(() => {
    const mq = window.matchMedia(query);
    const update = () => setNarrow(mq.matches);
    mq.addEventListener('change', update);
    return () => mq.removeEventListener('change', update);
  }, [query]);
  return narrow;
}
