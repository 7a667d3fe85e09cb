// Small Preact hooks the views share.
import { useEffect, useState } from 'preact/hooks';
import { getOptional, RoleRefused } from './api.ts';

export type Loaded<T> =
  | { status: 'loading' }
  | { status: 'failed' }
  /** This staff member's role may not see it. */
  | { status: 'forbidden' }
  /** The hub has no such API (yet): the view shows an empty state. */
  | { status: 'missing' }
  | { status: 'ready'; value: T };

/** GETs an API that may not exist yet; refreshes every refreshMs when given. */
export function useOptional<T>(path: string | undefined, refreshMs?: number): Loaded<T> {
  const [loaded, setLoaded] = useState<Loaded<T>>({ status: 'loading' });
  useEffect(() => {
    if (!path) return;
    let active = true;
    const load = (): void => {
      getOptional<T>(path).then(
        (result) => {
          if (!active) return;
          setLoaded(
            result.missing ? { status: 'missing' } : { status: 'ready', value: result.value },
          );
        },
        (error: unknown) => {
          if (active) setLoaded({ status: error instanceof RoleRefused ? 'forbidden' : 'failed' });
        },
      );
    };
    load();
    const timer = refreshMs ? setInterval(load, refreshMs) : undefined;
    return () => {
      active = false;
      clearInterval(timer);
    };
  }, [path, refreshMs]);
  return loaded;
}

/** The current time, ticking every periodMs, for ages and the clock. */
export function useNow(periodMs: number): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), periodMs);
    return () => clearInterval(timer);
  }, [periodMs]);
  return now;
}
