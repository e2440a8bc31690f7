import { act, fireEvent, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api/client';
import { Meter } from './Card';
import { CopyButton } from './CopyButton';
import { Dialog } from './Dialog';
import { EmptyState } from './EmptyState';
import { ErrorBanner } from './ErrorBanner';
import { sparkPoints, Sparkline } from './Sparkline';
import { bestHealth, StatusLight } from './StatusLight';
import { Toasts } from './Toasts';
import { useToasts } from '../stores/toasts';

describe('components', () => {
  it('StatusLight says its state in words, not only in colour', () => {
    render(<StatusLight state="rate-limited" />);
    expect(screen.getByText('Rate-limited')).toBeTruthy();
    render(<StatusLight state="down" label={false} />);
    expect(screen.getByText('Down').className).toBe('visually-hidden');
    expect(bestHealth(['down', 'degraded'])).toBe('degraded');
    expect(bestHealth([])).toBe('unknown');
  });

  it('CopyButton copies and announces it', async () => {
    const writeText = vi.fn(async () => undefined);
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    render(<CopyButton text="export ANTHROPIC_BASE_URL=http://127.0.0.1:8080" label="Copy the export line" />);
    await userEvent.click(screen.getByRole('button', { name: 'Copy the export line' }));
    expect(writeText).toHaveBeenCalledWith('export ANTHROPIC_BASE_URL=http://127.0.0.1:8080');
    expect(screen.getByText('Copied to the clipboard')).toBeTruthy();
  });

  it('CopyButton copies through the desktop preload when there is one', async () => {
    const writeText = vi.fn(async () => undefined);
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    const copy = vi.fn(async () => true);
    window.switchboard = { adminToken: 't', adminUrl: '', copy };
    try {
      render(<CopyButton text="http://127.0.0.1:8080" label="Copy the base URL" />);
      await userEvent.click(screen.getByRole('button', { name: 'Copy the base URL' }));
      expect(copy).toHaveBeenCalledWith('http://127.0.0.1:8080');
      expect(writeText).not.toHaveBeenCalled();
      expect(screen.getByText('Copied to the clipboard')).toBeTruthy();
    } finally {
      delete window.switchboard;
    }
  });

  it('Sparkline draws the values and describes them for screen readers', () => {
    expect(sparkPoints([1, 2, 3], 102, 12, 1)).toBe('1.0,11.0 51.0,6.0 101.0,1.0');
    render(<Sparkline values={[100, 300, 200]} label="Latency" format={(v) => `${v} ms`} />);
    expect(screen.getByRole('img').getAttribute('aria-label')).toBe('Latency: latest 200 ms, range 100 ms to 300 ms');
    render(<Sparkline values={[]} label="Empty" />);
    expect(screen.getByRole('img', { name: 'Empty: no data yet' })).toBeTruthy();
  });

  it('ErrorBanner: what went wrong and what to do next, with a retry', async () => {
    const retry = vi.fn();
    render(<ErrorBanner error={new ApiError('Switchboard cannot be reached', 0, 'network_error', '/api/state')} onRetry={retry} />);
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain('Switchboard cannot be reached.');
    expect(alert.textContent).toContain('Check that it is still running');
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(retry).toHaveBeenCalled();
    const { container } = render(<ErrorBanner error={null} />);
    expect(container.innerHTML).toBe('');
  });

  it('Dialog: labelled by its title, focus moves in, Escape closes, focus returns', async () => {
    function Host() {
      const [open, setOpen] = useState(false);
      return (
        <>
          <button onClick={() => setOpen(true)}>Open</button>
          <Dialog open={open} title="Remove alpha?" onClose={() => setOpen(false)} footer={<button onClick={() => setOpen(false)}>Cancel</button>}>
            <input aria-label="Name" />
          </Dialog>
        </>
      );
    }
    render(<Host />);
    const opener = screen.getByRole('button', { name: 'Open' });
    await userEvent.click(opener);
    const dialog = screen.getByRole('dialog', { name: 'Remove alpha?' });
    expect(document.activeElement).toBe(screen.getByRole('textbox', { name: 'Name' }));
    fireEvent.keyDown(dialog, { key: 'Escape' });
    expect(screen.queryByRole('textbox', { name: 'Name' })).toBeNull();
    expect(document.activeElement).toBe(opener);
  });

  it('Meter and EmptyState are accessible', () => {
    render(<Meter value={0.85} label="Daily budget used" text="85 %" />);
    const m = screen.getByRole('meter', { name: 'Daily budget used' });
    expect(m.getAttribute('aria-valuenow')).toBe('85');
    expect(m.querySelector('.meter__fill--warn')).toBeTruthy();
    render(<EmptyState title="No provider yet" action={<button>Add a provider</button>} />);
    expect(screen.getByRole('status').textContent).toContain('No provider yet');
  });

  it('Toasts are in an aria-live region and can be dismissed', async () => {
    render(<Toasts />);
    act(() => void useToasts.getState().push('success', 'Saved.', 0));
    const live = document.querySelector('[aria-live="polite"]')!;
    expect(live.textContent).toContain('Saved.');
    await userEvent.click(screen.getByRole('button', { name: 'Dismiss notice' }));
    expect(live.textContent).not.toContain('Saved.');
  });
});
