/** Small line icons for node types (drawn for this project), keyed by the registry's icon names. */
import { memo } from 'react';

import { LineIcon } from '../../components/LineIcon';

const PATHS: Record<string, string> = {
  play: 'M8 5.5v13l10.5-6.5z',
  sparkles: 'M12 3l1.9 5.6L19.5 10.5l-5.6 1.9L12 18l-1.9-5.6L4.5 10.5l5.6-1.9zM18.5 16l.8 2.2 2.2.8-2.2.8-.8 2.2-.8-2.2-2.2-.8 2.2-.8z',
  'git-branch': 'M6 4v10M6 14a2.5 2.5 0 1 0 0 5 2.5 2.5 0 0 0 0-5zM18 4a2.5 2.5 0 1 0 0 5 2.5 2.5 0 0 0 0-5zM18 9c0 5-6 4-11.5 6.5',
  flag: 'M5 21V4M5 4h11l-2.5 4L16 12H5',
  'message-square': 'M4 5h16v11H10l-5 4v-4H4z',
  bot: 'M5 9h14v10H5zM12 5v4M9 13.5h.01M15 13.5h.01M9.5 16.5h5M12 5a1 1 0 1 0 0-.01',
  merge: 'M6 3v5c0 3 6 4 6 8v5M18 3v5c0 3-6 4-6 8',
  tags: 'M3 11V3h8l10 10-8 8zM7.5 7.5h.01',
  globe: 'M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18zM3 12h18M12 3c3.2 3.2 3.2 14.8 0 18M12 3c-3.2 3.2-3.2 14.8 0 18',
  repeat: 'M4 11V9a3 3 0 0 1 3-3h12l-3-3M20 13v2a3 3 0 0 1-3 3H5l3 3',
  database: 'M4 6c0-1.7 3.6-3 8-3s8 1.3 8 3-3.6 3-8 3-8-1.3-8-3zM4 6v12c0 1.7 3.6 3 8 3s8-1.3 8-3V6M4 12c0 1.7 3.6 3 8 3s8-1.3 8-3',
  'file-text': 'M6 3h8l4 4v14H6zM14 3v4h4M9 12h6M9 16h6',
  wrench: 'M15 4a5 5 0 0 0-4.6 6.9L4 17.3 6.7 20l6.4-6.4A5 5 0 0 0 20 9l-3 1-2-2 1-3z',
  note: 'M5 4h14v11l-5 5H5zM14 20v-5h5',
  node: 'M5 5h14v14H5z',
  plus: 'M12 5v14M5 12h14',
  pointer: 'M6 3l12 8-5.5 1.5L15 19l-2.5 1.2-2.6-6.3L6 17z',
  hand: 'M8 13V6.5a1.5 1.5 0 0 1 3 0V12M11 11V4.5a1.5 1.5 0 0 1 3 0V11M14 11V6a1.5 1.5 0 0 1 3 0v8c0 4-2.5 7-6 7-2.5 0-4-1.2-5.5-3.5L3.8 14a1.5 1.5 0 0 1 2.5-1.6L8 15',
  organize: 'M4 5h5v4H4zM15 5h5v4h-5zM15 15h5v4h-5zM9 7h6M17.5 9v6',
  fit: 'M4 9V4h5M20 9V4h-5M4 15v5h5M20 15v5h-5',
  undo: 'M9 7L4 12l5 5M4 12h10a6 6 0 0 1 0 12',
  redo: 'M15 7l5 5-5 5M20 12H10a6 6 0 0 0 0 12',
  keyboard: 'M3 7h18v10H3zM7 10h.01M11 10h.01M15 10h.01M7 14h10',
  history: 'M4 12a8 8 0 1 0 2.5-5.8M4 4v4h4M12 8v4l3 2',
};

export const TypeIcon = memo(function TypeIcon({ name, size = 16 }: { name: string; size?: number }) {
  return <LineIcon d={PATHS[name] ?? PATHS.node!} size={size} />;
});

const CATEGORY_LABEL: Record<string, string> = {
  flow: 'Flow',
  model: 'Models',
  knowledge: 'Knowledge',
  transform: 'Transform',
  tools: 'Tools',
};

export function categoryLabel(category: string): string {
  return CATEGORY_LABEL[category] ?? category.charAt(0).toUpperCase() + category.slice(1);
}

export const CATEGORY_ORDER = ['flow', 'model', 'knowledge', 'transform', 'tools'];
