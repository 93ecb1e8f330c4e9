import { describe, expect, it } from 'vitest';
import { isTypingTarget, shortcutFor, type KeyLike } from './keyboard';

function el(html: string): HTMLElement {
  const div = document.createElement('div');
  div.innerHTML = html;
  document.body.appendChild(div);
  return div.firstElementChild as HTMLElement;
}

const key = (k: string, target: EventTarget | null = document.body, mods: Partial<KeyLike> = {}): KeyLike => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  altKey: false,
  target,
  ...mods,
});

describe('typing guard', () => {
  it('treats text fields and editable content as typing', () => {
    expect(isTypingTarget(el('<input type="text">'))).toBe(true);
    expect(isTypingTarget(el('<input>'))).toBe(true);
    expect(isTypingTarget(el('<textarea></textarea>'))).toBe(true);
    expect(isTypingTarget(el('<select></select>'))).toBe(true);
    expect(isTypingTarget(el('<div contenteditable="true"></div>'))).toBe(true);
  });

  it('does not treat buttons, checkboxes or the page as typing', () => {
    expect(isTypingTarget(el('<input type="checkbox">'))).toBe(false);
    expect(isTypingTarget(el('<button>x</button>'))).toBe(false);
    expect(isTypingTarget(document.body)).toBe(false);
    expect(isTypingTarget(null)).toBe(false);
  });
});

describe('shortcuts', () => {
  it('maps the documented keys', () => {
    expect(shortcutFor(key('z', document.body, { ctrlKey: true }))).toBe('undo');
    expect(shortcutFor(key('Z', document.body, { ctrlKey: true, shiftKey: true }))).toBe('redo');
    expect(shortcutFor(key('y', document.body, { ctrlKey: true }))).toBe('redo');
    expect(shortcutFor(key('z', document.body, { metaKey: true }))).toBe('undo');
    expect(shortcutFor(key('d', document.body, { ctrlKey: true }))).toBe('duplicate');
    expect(shortcutFor(key('o', document.body, { ctrlKey: true }))).toBe('organize');
    expect(shortcutFor(key('1', document.body, { ctrlKey: true }))).toBe('fitView');
    expect(shortcutFor(key('Delete'))).toBe('delete');
    expect(shortcutFor(key('Backspace'))).toBe('delete');
    expect(shortcutFor(key('?'))).toBe('shortcuts');
    expect(shortcutFor(key('Enter', document.body, { ctrlKey: true }))).toBe('run');
  });

  it('fires nothing while a text field has focus (Backspace deletes text, not the node)', () => {
    const input = el('<input type="text">');
    const textarea = el('<textarea></textarea>');
    expect(shortcutFor(key('Backspace', input))).toBeNull();
    expect(shortcutFor(key('Delete', textarea))).toBeNull();
    expect(shortcutFor(key('z', textarea, { ctrlKey: true }))).toBeNull();
    expect(shortcutFor(key('d', input, { ctrlKey: true }))).toBeNull();
    expect(shortcutFor(key('?', input))).toBeNull();
  });

  it('still runs with Ctrl+Enter from the inputs form', () => {
    expect(shortcutFor(key('Enter', el('<textarea></textarea>'), { ctrlKey: true }))).toBe('run');
  });

  it('ignores plain letters', () => {
    expect(shortcutFor(key('a'))).toBeNull();
    expect(shortcutFor(key('z'))).toBeNull();
  });
});
