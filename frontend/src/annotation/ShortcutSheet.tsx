/** The review screen's keys, shown with "?" (and listed once under the form). */
const KEYS: [string, string][] = [
  ['1 … 9, 0', 'pick an option of the focused score (0 = the tenth)'],
  ['1 / y, 2 / n', 'yes / no'],
  ['Tab, ↑ ↓, [ ]', 'previous / next score'],
  ['Enter', 'submit and show the next item'],
  ['Ctrl/⌘ + Enter', 'submit, also from inside a text field'],
  ['e', 'edit the corrected output'],
  ['c', 'comment'],
  ['Esc', 'leave a text field, close this sheet or the skip reason'],
  ['s', 'skip (asks why; Enter confirms)'],
  ['i', 'show / hide the instructions'],
  ['t', 'show / hide the trace'],
  ['?', 'this sheet'],
];

export function ShortcutSheet({ onClose }: { onClose: () => void }) {
  return (
    <div className="ann-sheet" role="dialog" aria-label="Keyboard shortcuts">
      <div className="ann-section-head">
        <strong>Keyboard shortcuts</strong>
        <button type="button" className="button-quiet" aria-label="Close (Esc)" title="Close (Esc)" onClick={onClose}>
          ×
        </button>
      </div>
      <dl>
        {KEYS.map(([keys, what]) => (
          <div key={keys}>
            <dt>
              <kbd>{keys}</kbd>
            </dt>
            <dd>{what}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}
