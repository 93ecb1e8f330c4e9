/** Line icons of the nav's areas (drawn for this project). */
import type { AreaIconName } from '../areas';
import { LineIcon } from './LineIcon';

const PATHS: Record<AreaIconName, string> = {
  apps: 'M4 4h7v7H4zM13 4h7v7h-7zM4 13h7v7H4zM13 13h7v7h-7z',
  prompts: 'M4 5h16v11H9l-5 4zM8 9h8M8 12h5',
  knowledge: 'M4 5.5C6.5 4 9.5 4 12 6c2.5-2 5.5-2 8-.5V19c-2.5-1.5-5.5-1.5-8 .5-2.5-2-5.5-2-8-.5zM12 6v13.5',
  evaluations: 'M5 20V10M12 20V4M19 20v-7',
  finetune: 'M4 7h9M17 7h3M4 17h3M11 17h9M15 5v4M9 15v4',
  annotation: 'M4 20l4-1L19 8l-3-3L5 16zM14 7l3 3',
  runs: 'M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18zM10 8.5v7l5.5-3.5z',
  monitoring: 'M3 12h4l3-7 4 14 3-7h4',
  alerts: 'M6 16V11a6 6 0 0 1 12 0v5l2 2H4zM10 20a2 2 0 0 0 4 0',
};

export function AreaIcon({ name }: { name: AreaIconName }) {
  return <LineIcon className="area-icon" d={PATHS[name]} size={18} />;
}
