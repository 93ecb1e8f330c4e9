/** The platform's areas, in the order of the left nav. Only the areas built so far are shown:
 * the others stay listed here so that an area appears in the nav the day it is built. */
export interface Area {
  /** Path under /app (the router's basename). */
  path: string;
  label: string;
  available: boolean;
  /** The nav icon (kept when the nav collapses to icons, in the editor). */
  icon: AreaIconName;
  /** One line on what the area is for; the nav link's tooltip. */
  summary: string;
}

export type AreaIconName = 'apps' | 'prompts' | 'knowledge' | 'evaluations' | 'annotation' | 'runs' | 'monitoring';

export const AREAS: readonly Area[] = [
  {
    path: '/',
    label: 'Apps',
    available: true,
    icon: 'apps',
    summary: 'Build LLM apps as node graphs, run them and publish them as endpoints.',
  },
  {
    path: '/prompts',
    label: 'Prompt IDE',
    available: true,
    icon: 'prompts',
    summary: 'Parameterised prompt templates, side-by-side model runs and immutable prompt versions.',
  },
  {
    path: '/knowledge',
    label: 'Knowledge',
    available: true,
    icon: 'knowledge',
    summary: 'Upload documents into knowledge bases and retrieve from them in your apps.',
  },
  {
    path: '/evaluations',
    label: 'Evaluations',
    available: true,
    icon: 'evaluations',
    summary: 'Batch runs over datasets with automatic evaluators and a good-result ratio per version.',
  },
  {
    path: '/annotation',
    label: 'Annotation',
    available: false,
    icon: 'annotation',
    summary: 'Review queues where annotators label traced runs, keyboard first.',
  },
  {
    path: '/runs',
    label: 'Runs',
    available: true,
    icon: 'runs',
    summary: 'Every run of every app — test runs, API and chat calls — with filters and its trace.',
  },
  {
    path: '/monitoring',
    label: 'Monitoring',
    available: false,
    icon: 'monitoring',
    summary: 'Quality, cost, tokens, latency and errors of every traced run.',
  },
];

/** The areas the nav shows: those built. */
export const BUILT_AREAS: readonly Area[] = AREAS.filter((area) => area.available);
