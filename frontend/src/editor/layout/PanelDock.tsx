/** The place on the right of the canvas where a panel opens (node settings, test run, versions,
 * publish), with its resize handle and the width remembered for that panel. */
import type { ReactNode } from 'react';
import { ResizeHandle } from './ResizeHandle';
import { usePanelWidth, type DockedPanel } from './usePanelWidth';

const HANDLE_LABEL: Record<DockedPanel, string> = {
  node: 'Resize the node panel',
  run: 'Resize the test run panel',
  versions: 'Resize the versions panel',
  publish: 'Resize the publish panel',
};

/** `hidden`: kept open (its state too) behind the panel in front. */
export function PanelDock({ panel, hidden = false, children }: { panel: DockedPanel; hidden?: boolean; children: ReactNode }) {
  const size = usePanelWidth(panel);
  return (
    <div className="editor-dock" style={{ width: size.width }} hidden={hidden} data-panel={panel}>
      <ResizeHandle size={size} label={HANDLE_LABEL[panel]} />
      {children}
    </div>
  );
}
