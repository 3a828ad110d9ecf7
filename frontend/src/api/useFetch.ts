// Load one resource for a page, with its loading and error states, and a way to reload it.
import { useCallback, useEffect, useState } from "react";

export interface Loaded<T> {
  data: T | undefined;
  error: string | null;
  loading: boolean;
  reload: () => void;
}

interface State<T> {
  key: string;
  data: T | undefined;
  error: string | null;
}

export function useFetch<T>(load: () => Promise<T>, deps: readonly unknown[]): Loaded<T> {
  const [tick, setTick] = useState(0);
  const key = JSON.stringify([...deps, tick]);
  const [state, setState] = useState<State<T>>({ key: "", data: undefined, error: null });
  useEffect(() => {
    let live = true;
    load().then(
      (data) => live && setState({ key, data, error: null }),
      (reason: unknown) =>
        live &&
        setState((old) => ({
          key,
          data: old.data,
          error: reason instanceof Error ? reason.message : String(reason),
        })),
    );
    return () => {
      live = false;
    };
    // `key` stands for the caller's deps: the loader is a new closure on every render.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { data: state.data, error: state.error, loading: state.key !== key, reload };
}
