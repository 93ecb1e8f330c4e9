import { fireEvent, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { Modal } from './Modal';

describe('Modal', () => {
  it('is a modal dialog named by its heading; Escape inside closes it and goes no further', async () => {
    const onClose = vi.fn();
    const behind = vi.fn();
    window.addEventListener('keydown', behind);
    render(
      <Modal labelledBy="t" onClose={onClose} className="modal-wide" testId="box">
        <h2 id="t">Hello</h2>
        <button type="button" autoFocus>
          Ok
        </button>
      </Modal>,
    );
    const dialog = screen.getByRole('dialog', { name: 'Hello' });
    expect(dialog).toHaveAttribute('aria-modal', 'true');
    expect(dialog).toHaveClass('modal', 'modal-wide');
    expect(screen.getByTestId('box')).toBe(dialog);
    await userEvent.keyboard('{Escape}');
    expect(onClose).toHaveBeenCalledTimes(1);
    expect(behind).not.toHaveBeenCalled();
    window.removeEventListener('keydown', behind);
  });

  it('closes on a press on the backdrop, not inside the panel', () => {
    const onClose = vi.fn();
    render(
      <Modal role="alertdialog" labelledBy="t" onClose={onClose}>
        <h2 id="t">Sure?</h2>
      </Modal>,
    );
    const dialog = screen.getByRole('alertdialog', { name: 'Sure?' });
    fireEvent.mouseDown(dialog);
    expect(onClose).not.toHaveBeenCalled();
    fireEvent.mouseDown(dialog.parentElement as HTMLElement);
    expect(onClose).toHaveBeenCalledTimes(1);
  });

  it('is a form when given onSubmit', () => {
    const onSubmit = vi.fn((e: React.FormEvent) => e.preventDefault());
    render(
      <Modal labelledBy="t" onClose={() => undefined} onSubmit={onSubmit}>
        <h2 id="t">Upload</h2>
        <button type="submit">Send</button>
      </Modal>,
    );
    const dialog = screen.getByRole('dialog', { name: 'Upload' });
    expect(dialog.tagName).toBe('FORM');
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    expect(onSubmit).toHaveBeenCalledTimes(1);
  });
});
