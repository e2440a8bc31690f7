// The router port's priority order: which enabled providers it may use, best first.
// One check shared by the admin API (to word a 400) and RouterRuntime (to refuse bad state).

/** Why `ids` is not a valid priority order, naming the entry (`priority[2]: ...`), or null when it is. */
export function priorityProblem(ids: readonly string[], enabled: Iterable<string>): string | null {
  const known = new Set(enabled);
  if (ids.length === 0) return 'priority: needs at least one provider';
  const seen = new Set<string>();
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (!known.has(id)) return `priority[${i}]: unknown provider "${id}" (enabled providers: ${[...known].join(', ') || 'none'})`;
    if (seen.has(id)) return `priority[${i}]: "${id}" is listed twice`;
    seen.add(id);
  }
  return null;
}

/**
 * A saved order brought up to date with the providers enabled now: ids no longer
 * enabled are dropped, and providers that were not enabled when it was saved
 * (`savedWith`) join at the end, in the config's order. Null when nothing is left.
 */
export function reconcilePriority(saved: readonly string[], savedWith: readonly string[] | undefined, enabled: ReadonlySet<string>, configOrder: readonly string[]): string[] | null {
  const kept = [...new Set(saved)].filter((id) => enabled.has(id));
  const before = new Set(savedWith ?? saved);
  for (const id of configOrder) if (!before.has(id) && !kept.includes(id)) kept.push(id);
  return kept.length ? kept : null;
}
