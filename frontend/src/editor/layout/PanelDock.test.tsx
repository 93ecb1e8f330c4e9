import { fireEvent, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { PanelDock } from './PanelDock';
import { DEFAULT_PANEL_WIDTH, PANEL_MIN_WIDTH } from './usePanelWidth';

function renderDock() {
  return render(
    <PanelDock panel="run">
      <aside aria-label="Test run">run</aside>
    </PanelDock>,
  );
}

const dockOf = () => screen.getByRole('complementary', { name: 'Test run' }).parentElement!;

describe('PanelDock', () => {
  it('is resized with its handle, and a new editor opens the panel at the width the user left it', async () => {
    const { unmount } = renderDock();
    expect(dockOf()).toHaveStyle({ width: `${DEFAULT_PANEL_WIDTH.run}px` });

    const handle = screen.getByRole('separator', { name: 'Resize the test run panel' });
    handle.focus();
    await userEvent.keyboard('{ArrowLeft}{ArrowLeft}');
    const wider = DEFAULT_PANEL_WIDTH.run + 48;
    expect(dockOf()).toHaveStyle({ width: `${wider}px` });
    expect(handle).toHaveAttribute('aria-valuenow', String(wider));

    unmount();
    renderDock();
    expect(dockOf()).toHaveStyle({ width: `${wider}px` });
  });

  it('never gets narrower than its minimum, and a double-click brings the default width back', async () => {
    renderDock();
    const handle = screen.getByRole('separator', { name: 'Resize the test run panel' });
    handle.focus();
    for (let i = 0; i < 10; i += 1) await userEvent.keyboard('{ArrowRight}');
    expect(dockOf()).toHaveStyle({ width: `${PANEL_MIN_WIDTH}px` });

    fireEvent.doubleClick(handle);
    expect(dockOf()).toHaveStyle({ width: `${DEFAULT_PANEL_WIDTH.run}px` });
  });
});
