import { useEffect, useRef, useState, type Dispatch, type SetStateAction } from 'react';

/**
 * An editable copy of a saved value. When the saved value changes (another window,
 * the API, the answer to a save), the draft follows it unless it was edited since
 * the previous saved value: comparing against the new value instead would always
 * call an unedited draft "changed" and keep the stale copy.
 */
export function useSavedDraft<T>(saved: T, keyOf: (v: T) => string): [T, Dispatch<SetStateAction<T>>] {
  const [draft, setDraft] = useState(saved);
  const previous = useRef(saved);
  const savedKey = keyOf(saved);
  useEffect(() => {
    if (keyOf(draft) === keyOf(previous.current)) setDraft(saved);
    previous.current = saved;
    // Only a new saved value matters here; the draft is read as it stands then.
  }, [savedKey]);
  return [draft, setDraft];
}
