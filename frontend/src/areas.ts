/** The platform's areas, in the order of the left nav. */
export interface Area {
  /** Path under /app (the router's basename). */
  path: string;
  label: string;
  available: boolean;
  /** One line on what the area is for; shown on its "coming soon" page. */
  summary: string;
}

export const AREAS: readonly Area[] = [
  {
    path: '/',
    label: 'Apps',
    available: true,
    summary: 'Build LLM apps as node graphs, run them and publish them as endpoints.',
  },
  {
    path: '/prompts',
    label: 'Prompt IDE',
    available: false,
    summary: 'Parameterised prompt templates, side-by-side model runs and immutable prompt versions.',
  },
  {
    path: '/knowledge',
    label: 'Knowledge',
    available: true,
    summary: 'Upload documents into knowledge bases and retrieve from them in your apps.',
  },
  {
    path: '/evaluations',
    label: 'Evaluations',
    available: false,
    summary: 'Batch runs over datasets with automatic evaluators and a good-result ratio per version.',
  },
  {
    path: '/annotation',
    label: 'Annotation',
    available: false,
    summary: 'Review queues where annotators label traced runs, keyboard first.',
  },
  {
    path: '/runs',
    label: 'Runs',
    available: true,
    summary: 'Every run of every app — test runs, API and chat calls — with filters and its trace.',
  },
  {
    path: '/monitoring',
    label: 'Monitoring',
    available: false,
    summary: 'Quality, cost, tokens, latency and errors of every traced run.',
  },
];
