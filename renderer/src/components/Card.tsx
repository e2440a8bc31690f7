import type { ReactNode } from 'react';

// Layout pieces shared by every page.

export function Card({ title, children, actions, className = '', id }: { title?: ReactNode; children: ReactNode; actions?: ReactNode; className?: string; id?: string }) {
  return (
    <section className={`card ${className}`} aria-labelledby={title && id ? `${id}-title` : undefined}>
      {title || actions ? (
        <div className="card__head">
          {title ? <h2 id={id ? `${id}-title` : undefined}>{title}</h2> : <span />}
          {actions ? <div className="card__actions">{actions}</div> : null}
        </div>
      ) : null}
      {children}
    </section>
  );
}

export function Stat({ label, value, hint }: { label: string; value: ReactNode; hint?: ReactNode }) {
  return (
    <div className="stat">
      <div className="stat__label">{label}</div>
      <div className="stat__value">{value}</div>
      {hint ? <div className="stat__hint">{hint}</div> : null}
    </div>
  );
}

/** A bar from 0 to 1 (headroom, budget); `tone` colours it. */
export function Meter({ value, label, tone = 'auto', text }: { value: number | null; label: string; tone?: 'auto' | 'ok' | 'warn' | 'bad'; text?: string }) {
  const v = value === null ? null : Math.max(0, Math.min(1, value));
  const t = tone !== 'auto' ? tone : v === null ? 'ok' : v >= 1 ? 'bad' : v >= 0.8 ? 'warn' : 'ok';
  return (
    <div className="meter" role="meter" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={v === null ? undefined : Math.round(v * 100)} aria-valuetext={text}>
      <div className={`meter__fill meter__fill--${t}`} style={{ width: `${v === null ? 0 : v * 100}%` }} />
    </div>
  );
}

export function PageHeader({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="page-head">
      <h1 tabIndex={-1} id="page-title">
        {title}
      </h1>
      {children ? <div className="page-head__extra">{children}</div> : null}
    </div>
  );
}
