import { useEffect, useRef, useState } from 'react';

// Copies a text and says so (visibly and to screen readers).

export async function copyText(text: string): Promise<boolean> {
  try {
    // The desktop app's preload copies through the main process (its windows get no clipboard permission).
    if (window.switchboard?.copy) return await window.switchboard.copy(text);
    if (navigator.clipboard?.writeText) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // fall through: clipboard API refused (no permission, insecure context)
  }
  try {
    const ta = document.createElement('textarea');
    ta.value = text;
    ta.setAttribute('readonly', '');
    ta.style.position = 'fixed';
    ta.style.opacity = '0';
    document.body.appendChild(ta);
    ta.select();
    const ok = document.execCommand?.('copy') ?? false;
    ta.remove();
    return ok;
  } catch {
    return false;
  }
}

export function CopyButton({ text, label, className = '' }: { text: string; label: string; className?: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => () => {
    if (timer.current) clearTimeout(timer.current);
  }, []);
  const onClick = async () => {
    const ok = await copyText(text);
    setState(ok ? 'copied' : 'failed');
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => setState('idle'), 2000);
  };
  return (
    <button type="button" className={`btn btn--small ${className}`} onClick={onClick} aria-label={label} title={label}>
      <span aria-hidden="true">{state === 'copied' ? '✓ Copied' : state === 'failed' ? 'Select and copy' : 'Copy'}</span>
      <span className="visually-hidden" aria-live="polite">
        {state === 'copied' ? 'Copied to the clipboard' : state === 'failed' ? 'Could not copy; select the text and copy it' : ''}
      </span>
    </button>
  );
}
