/** A modal dialog: the dimmed backdrop (a press on it closes), the panel (a press inside does not),
 * and Escape inside the panel closes. The caller gives the heading the dialog is named by (its id in
 * labelledBy) and decides where focus goes first (autoFocus or a ref in its children). */
import type { FormEvent, KeyboardEvent, MouseEvent, ReactNode } from 'react';

export interface ModalProps {
  /** The id of the element that names the dialog, usually its h2. */
  labelledBy: string;
  onClose: () => void;
  children: ReactNode;
  /** 'alertdialog' for a confirmation that needs an answer. */
  role?: 'dialog' | 'alertdialog';
  /** Classes added to "modal", e.g. "modal-wide". */
  className?: string;
  /** Makes the panel a <form> submitted with this handler. */
  onSubmit?: (e: FormEvent<HTMLFormElement>) => void;
  testId?: string;
}

export function Modal({ labelledBy, onClose, children, role = 'dialog', className, onSubmit, testId }: ModalProps) {
  const panel = {
    className: className ? `modal ${className}` : 'modal',
    role,
    'aria-modal': true,
    'aria-labelledby': labelledBy,
    'data-testid': testId,
    onMouseDown: (e: MouseEvent) => e.stopPropagation(),
    onKeyDown: (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      // Escape closes this dialog only, not whatever page-wide shortcut listens behind it.
      e.stopPropagation();
      onClose();
    },
  };
  return (
    <div className="modal-backdrop" onMouseDown={onClose}>
      {onSubmit ? (
        <form {...panel} onSubmit={onSubmit}>
          {children}
        </form>
      ) : (
        <div {...panel}>{children}</div>
      )}
    </div>
  );
}
