import { act, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MAX_TOASTS, toast, TOAST_TTL_MS, useToasts } from '../stores/toasts';
import { Toasts } from './Toasts';

// Notices go away by themselves (not while being read), errors stay, and a few at most show.

const texts = () => screen.queryAllByTestId('toast').map((t) => t.textContent?.replace('×', ''));

describe('toasts', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    useToasts.setState({ toasts: [] });
  });
  afterEach(() => vi.useRealTimers());

  it('a success or info notice dismisses itself after about 5 s; an error stays until dismissed', () => {
    render(<Toasts />);
    act(() => {
      toast('success', 'Fallback order saved.');
      toast('info', 'Heads up.');
      toast('error', 'The gateway refused it.');
    });
    expect(texts()).toEqual(['Fallback order saved.', 'Heads up.', 'The gateway refused it.']);
    expect(screen.getByRole('alert').textContent).toContain('refused');
    act(() => void vi.advanceTimersByTime(TOAST_TTL_MS - 100));
    expect(texts()).toHaveLength(3);
    act(() => void vi.advanceTimersByTime(200));
    expect(texts()).toEqual(['The gateway refused it.']);
    act(() => void vi.advanceTimersByTime(10 * 60_000));
    expect(texts()).toEqual(['The gateway refused it.']);
    fireEvent.click(screen.getByRole('button', { name: 'Dismiss notice' }));
    expect(texts()).toEqual([]);
  });

  it('the clock stops while the pointer is on the notices, and while one has keyboard focus', () => {
    const { container } = render(<Toasts />);
    const region = container.querySelector('.toasts')!;
    act(() => void toast('success', 'Saved.'));
    act(() => void vi.advanceTimersByTime(3_000));
    fireEvent.mouseEnter(region);
    act(() => void vi.advanceTimersByTime(60_000));
    expect(texts()).toEqual(['Saved.']);
    fireEvent.mouseLeave(region);
    act(() => void vi.advanceTimersByTime(1_500)); // the 2 s it had left, not a fresh 5 s
    expect(texts()).toEqual(['Saved.']);
    act(() => void vi.advanceTimersByTime(600));
    expect(texts()).toEqual([]);

    act(() => void toast('success', 'Saved again.'));
    act(() => screen.getByRole('button', { name: 'Dismiss notice' }).focus());
    act(() => void vi.advanceTimersByTime(60_000));
    expect(texts()).toEqual(['Saved again.']);
    act(() => screen.getByRole('button', { name: 'Dismiss notice' }).blur());
    act(() => void vi.advanceTimersByTime(TOAST_TTL_MS + 100));
    expect(texts()).toEqual([]);
  });

  it(`at most ${MAX_TOASTS} show; the oldest non-error goes first, and a repeat replaces its twin`, () => {
    render(<Toasts />);
    act(() => {
      toast('error', 'E1');
      toast('success', 'S1');
      toast('success', 'S2');
      toast('success', 'S3');
    });
    expect(texts()).toEqual(['E1', 'S2', 'S3']);
    act(() => void toast('success', 'S2'));
    expect(texts()).toEqual(['E1', 'S3', 'S2']);
    act(() => {
      toast('error', 'E2');
      toast('error', 'E3');
      toast('error', 'E4');
    });
    expect(texts()).toEqual(['E2', 'E3', 'E4']);
  });
});
