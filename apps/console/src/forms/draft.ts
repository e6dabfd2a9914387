import { useState } from 'react';

/**
 * A form's values over a saved record: each field follows the record until the user edits it.
 * A screen refetches its record after every save (a toggle, another panel's form), and that
 * refetch must not wipe what the user is typing elsewhere on the same screen; fields the user
 * has not touched still show the newest saved values. After a successful save, `reset` drops
 * the edits of the fields that save carried (all of them when called without a body).
 */
export function useDraft<T extends Record<string, unknown>>(saved: T) {
  const [edits, setEdits] = useState<Partial<T>>({});
  return {
    values: { ...saved, ...edits } as T,
    set<K extends keyof T>(field: K, value: T[K]) {
      setEdits((current) => ({ ...current, [field]: value }));
    },
    reset(savedBody?: Record<string, unknown>) {
      setEdits((current) => (savedBody ? (Object.fromEntries(Object.entries(current).filter(([field]) => !(field in savedBody))) as Partial<T>) : {}));
    },
  };
}
