import { render } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { Markdown, parseBlocks } from './Markdown';

describe('instructions markdown', () => {
  it('splits headings, paragraphs, lists and code', () => {
    const blocks = parseBlocks('# Rules\n\nBe **strict**.\nReally.\n\n- one\n- two\n\n1. first\n\n```\nx < y\n```');
    expect(blocks.map((b) => b.kind)).toEqual(['heading', 'paragraph', 'list', 'list', 'code']);
    expect(blocks[1]).toEqual({ kind: 'paragraph', text: 'Be **strict**. Really.' });
  });

  it('renders bold, code and lists as elements', () => {
    const { container } = render(<Markdown source={'Use `partly` when **half** right.\n\n- a\n- b'} />);
    expect(container.querySelector('strong')?.textContent).toBe('half');
    expect(container.querySelector('code')?.textContent).toBe('partly');
    expect(container.querySelectorAll('li')).toHaveLength(2);
  });

  it('keeps HTML as text and drops unsafe links', () => {
    const { container } = render(<Markdown source={'<img src=x onerror=alert(1)> [go](javascript:alert(1)) [ok](https://example.com)'} />);
    expect(container.querySelector('img')).toBeNull();
    expect(container.textContent).toContain('<img src=x onerror=alert(1)>');
    const links = container.querySelectorAll('a');
    expect(links).toHaveLength(1);
    expect(links[0]?.getAttribute('href')).toBe('https://example.com');
  });
});
