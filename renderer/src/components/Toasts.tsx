import { useEffect, useRef, useState } from 'react';
import { useToasts, type Toast } from '../stores/toasts';

// Notices, announced politely to screen readers (errors assertively). They sit at
// the foot of the sidebar, so they never cover a page's controls. While the
// pointer or keyboard focus is on them, none goes away (a person reading or about
// to dismiss one must not have the stack move under them); timers resume after.

export function Toasts() {
  const toasts = useToasts((s) => s.toasts);
  const dismiss = useToasts((s) => s.dismiss);
  const [hovered, setHovered] = useState(false);
  const [focused, setFocused] = useState(false);
  const paused = hovered || focused;
  const region = useRef<HTMLDivElement>(null);
  // A dismissed notice takes its button (and maybe the pointer's target) with it, without a blur or
  // mouseleave: look again whenever the list changes, so the others do not stay paused for good.
  useEffect(() => {
    if (toasts.length === 0) setHovered(false);
    if (!region.current?.contains(document.activeElement)) setFocused(false);
  }, [toasts]);
  return (
    <div
      ref={region}
      className="toasts"
      aria-live="polite"
      aria-relevant="additions text"
      onMouseEnter={() => setHovered(true)}
      onMouseLeave={() => setHovered(false)}
      onFocus={() => setFocused(true)}
      onBlur={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setFocused(false);
      }}
    >
      {toasts.map((t) => (
        <ToastItem key={t.id} toast={t} paused={paused} onDismiss={() => dismiss(t.id)} />
      ))}
    </div>
  );
}

function ToastItem({ toast: t, paused, onDismiss }: { toast: Toast; paused: boolean; onDismiss: () => void }) {
  // Time left, kept across pauses; a pause stops the clock, it does not restart it.
  const left = useRef(t.ttlMs ?? 0);
  useEffect(() => {
    if (!t.ttlMs || paused) return;
    const started = Date.now();
    const timer = setTimeout(onDismiss, Math.max(0, left.current));
    return () => {
      clearTimeout(timer);
      left.current -= Date.now() - started;
    };
  }, [paused, t.ttlMs]);

  return (
    <div className={`toast toast--${t.kind}`} role={t.kind === 'error' ? 'alert' : 'status'} data-testid="toast">
      <span className="toast__text">{t.text}</span>
      <button type="button" className="btn btn--ghost btn--small btn--icon" onClick={onDismiss} aria-label="Dismiss notice">
        ×
      </button>
    </div>
  );
}
