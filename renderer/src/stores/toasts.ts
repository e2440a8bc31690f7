import { create } from 'zustand';

// Short notices ("Saved", "Budget reached"), announced through an aria-live region.
// Success, info and warning notices go away by themselves (components/Toasts.tsx
// runs their timers, paused while the pointer or focus is on them); errors stay
// until dismissed. At most MAX_TOASTS show at once, the oldest non-error going first.

export interface Toast {
  id: number;
  kind: 'info' | 'success' | 'warning' | 'error';
  text: string;
  /** How long it shows before going away by itself; null: until dismissed. */
  ttlMs: number | null;
}

export const MAX_TOASTS = 3;
export const TOAST_TTL_MS = 5_000;

export interface ToastsState {
  toasts: Toast[];
  push(kind: Toast['kind'], text: string, ttlMs?: number | null): number;
  dismiss(id: number): void;
}

let nextId = 1;

export function defaultTtl(kind: Toast['kind']): number | null {
  if (kind === 'error') return null;
  return kind === 'warning' ? 2 * TOAST_TTL_MS : TOAST_TTL_MS;
}

export const useToasts = create<ToastsState>((set) => ({
  toasts: [],
  push(kind, text, ttlMs = defaultTtl(kind)) {
    const id = nextId++;
    set((s) => {
      // The same notice again (a repeated save) replaces the old one rather than stacking.
      const list = [...s.toasts.filter((t) => t.text !== text || t.kind !== kind), { id, kind, text, ttlMs }];
      while (list.length > MAX_TOASTS) {
        const drop = list.findIndex((t) => t.kind !== 'error');
        list.splice(drop === -1 ? 0 : drop, 1);
      }
      return { toasts: list };
    });
    return id;
  },
  dismiss: (id) => set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) })),
}));

export const toast = (kind: Toast['kind'], text: string) => useToasts.getState().push(kind, text);
