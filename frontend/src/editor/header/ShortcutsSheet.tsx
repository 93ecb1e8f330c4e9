/** The `?` sheet: every shortcut, so nobody has to guess. */
import { useEffect, useRef } from 'react';
import { Modal } from '../../components/Modal';
import { SHORTCUTS, shortcutLabel } from '../model/keyboard';

export function ShortcutsSheet({ onClose }: { onClose: () => void }) {
  const ref = useRef<HTMLButtonElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return (
    <Modal labelledBy="shortcuts-title" onClose={onClose}>
      <header className="modal-head">
        <h2 id="shortcuts-title">Keyboard shortcuts</h2>
        <button ref={ref} type="button" className="icon-btn" onClick={onClose} aria-label="Close shortcuts">
          ×
        </button>
      </header>
      <table className="shortcut-table">
        <tbody>
          {SHORTCUTS.map((s) => (
            <tr key={s.combo}>
              <td>
                <kbd>{shortcutLabel(s.combo)}</kbd>
              </td>
              <td>{s.label}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted small">Shortcuts do nothing while you type in a field. Esc leaves a picker or closes a panel.</p>
    </Modal>
  );
}
