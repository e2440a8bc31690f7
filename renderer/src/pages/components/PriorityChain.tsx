import { useEffect, useRef, useState } from 'react';
import { explain } from '../../api/explain';
import { useSavedDraft } from './use-saved-draft';

// The fallback chain, reorderable by dragging or with the Move up / Move down
// buttons (the keyboard way). Changes are a draft until saved.

export function move<T>(list: readonly T[], from: number, to: number): T[] {
  const out = list.slice();
  if (from < 0 || from >= out.length || to < 0 || to >= out.length || from === to) return out;
  const [x] = out.splice(from, 1);
  out.splice(to, 0, x);
  return out;
}

export interface PriorityChainProps {
  priority: string[];
  labels: Map<string, string>;
  onSave: (order: string[]) => Promise<void>;
}

const chainKey = (list: string[]) => list.join('\u0000');

export function PriorityChain({ priority, labels, onSave }: PriorityChainProps) {
  const [draft, setDraft] = useSavedDraft(priority, chainKey);
  const [dragging, setDragging] = useState<number | null>(null);
  const [over, setOver] = useState<number | null>(null);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [announce, setAnnounce] = useState('');
  const focusAfter = useRef<string | null>(null);
  const dirty = chainKey(draft) !== chainKey(priority);

  useEffect(() => {
    if (focusAfter.current) {
      document.getElementById(focusAfter.current)?.focus();
      focusAfter.current = null;
    }
  });

  const name = (id: string) => labels.get(id) ?? id;
  const shift = (i: number, d: -1 | 1, dir: 'up' | 'down') => {
    const next = move(draft, i, i + d);
    setDraft(next);
    const to = i + d;
    // Keep focus on the same button of the moved item; at an end, on the other one.
    const atEnd = to === 0 || to === next.length - 1;
    focusAfter.current = `chain-${draft[i]}-${atEnd ? (dir === 'up' ? 'down' : 'up') : dir}`;
    setAnnounce(`${name(draft[i])} moved to position ${to + 1} of ${next.length}`);
  };

  const save = async () => {
    setSaving(true);
    setError(null);
    try {
      await onSave(draft);
      setAnnounce('Order saved');
    } catch (err) {
      const x = explain(err);
      setError(`${x.what} ${x.next}`);
    } finally {
      setSaving(false);
    }
  };

  if (priority.length === 0) return <p className="muted">No providers in the chain yet. Add one on the Providers page.</p>;

  return (
    <div>
      <ol className="chain" aria-label="Fallback chain, first choice first">
        {draft.map((id, i) => (
          <li
            key={id}
            draggable
            data-testid={`chain-item-${id}`}
            className={`${dragging === i ? 'dragging' : ''} ${over === i && dragging !== null && dragging !== i ? 'drop-target' : ''}`}
            onDragStart={(e) => {
              setDragging(i);
              e.dataTransfer.effectAllowed = 'move';
              e.dataTransfer.setData('text/plain', id);
            }}
            onDragOver={(e) => {
              e.preventDefault();
              setOver(i);
            }}
            onDragLeave={() => setOver((o) => (o === i ? null : o))}
            onDrop={(e) => {
              e.preventDefault();
              const from = dragging ?? draft.indexOf(e.dataTransfer.getData('text/plain'));
              if (from >= 0 && from !== i) {
                setDraft(move(draft, from, i));
                setAnnounce(`${name(draft[from])} moved to position ${i + 1} of ${draft.length}`);
              }
              setDragging(null);
              setOver(null);
            }}
            onDragEnd={() => {
              setDragging(null);
              setOver(null);
            }}
          >
            <span className="chain__handle" aria-hidden="true" title="Drag to reorder">
              ⠿
            </span>
            <span className="chain__pos">{i + 1}.</span>
            <span className="chain__name">
              {name(id)} <span className="muted small mono">{id !== name(id) ? id : ''}</span>
            </span>
            <button type="button" id={`chain-${id}-up`} className="btn btn--small btn--icon" disabled={i === 0} onClick={() => shift(i, -1, 'up')} aria-label={`Move ${name(id)} up`}>
              ↑
            </button>
            <button type="button" id={`chain-${id}-down`} className="btn btn--small btn--icon" disabled={i === draft.length - 1} onClick={() => shift(i, 1, 'down')} aria-label={`Move ${name(id)} down`}>
              ↓
            </button>
          </li>
        ))}
      </ol>
      <div className="row" style={{ marginTop: '0.75rem' }}>
        <button type="button" className="btn btn--primary" disabled={!dirty || saving} onClick={() => void save()}>
          {saving ? 'Saving…' : 'Save order'}
        </button>
        <button type="button" className="btn" disabled={!dirty || saving} onClick={() => setDraft(priority)}>
          Undo changes
        </button>
        {dirty ? <span className="muted small">Not saved yet.</span> : null}
      </div>
      {error ? (
        <p role="alert" className="banner banner--error" style={{ marginTop: '0.75rem' }}>
          {error}
        </p>
      ) : null}
      <p className="visually-hidden" aria-live="polite">
        {announce}
      </p>
    </div>
  );
}
