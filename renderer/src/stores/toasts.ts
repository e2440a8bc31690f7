import { create } from 'zustand';

// Short notices ("Saved", "Budget reached"), announced through an aria-live region.

export interface Toast {
  id: number;
  kind: 'info' | 'success' | 'warning' | 'error';
  text: string;
}

export interface ToastsState {
  toasts: Toast[];
  push(kind: Toast['kind'], text: string, ttlMs?: number): number;
  dismiss(id: number): void;
}

let nextId = 1;

export const useToasts = create<ToastsState>((set, get) => ({
  toasts: [],
  push(kind, text, ttlMs = kind === 'error' ? 10_000 : 5_000) {
    const id = nextId++;
    set((s) => ({ toasts: [...s.toasts, { id, kind, text }].slice(-5) }));
    if (ttlMs > 0) setTimeout(() => get().dismiss(id), ttlMs);
    return id;
  },
  dismiss: (id) => set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) })),
}));

export const toast = (kind: Toast['kind'], text: string) => useToasts.getState().push(kind, text);
