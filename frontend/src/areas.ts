/** The platform's areas, in the order of the left nav. Only the areas built so far are shown:
 * the others stay listed here so that an area appears in the nav the day it is built. Each area
 * names the workspace roles that see it: annotators see the annotation queues and nothing of the
 * builder (the API refuses them the rest too). */
export interface Area {
  /** Path under /app (the router's basename), or the server's own path when `external`. */
  path: string;
  /** Served by the server outside the React app (the Dash monitoring pages): a plain link. */
  external?: boolean;
  label: string;
  available: boolean;
  /** The nav icon (kept when the nav collapses to icons, in the editor). */
  icon: AreaIconName;
  /** One line on what the area is for; the nav link's tooltip. */
  summary: string;
  /** The roles that see it in the nav. */
  roles: readonly Role[];
}

export type Role = 'owner' | 'builder' | 'annotator' | 'viewer';

/** Everyone who works on the apps themselves: not annotators. */
const BUILDER_SIDE: readonly Role[] = ['owner', 'builder', 'viewer'];
/** Those who may review (the "annotate" capability). */
const REVIEWERS: readonly Role[] = ['owner', 'builder', 'annotator'];

export type AreaIconName =
  | 'apps'
  | 'prompts'
  | 'knowledge'
  | 'evaluations'
  | 'finetune'
  | 'annotation'
  | 'runs'
  | 'monitoring'
  | 'alerts';

export const AREAS: readonly Area[] = [
  {
    path: '/',
    label: 'Apps',
    available: true,
    icon: 'apps',
    summary: 'Build LLM apps as node graphs, run them and publish them as endpoints.',
    roles: BUILDER_SIDE,
  },
  {
    path: '/prompts',
    label: 'Prompt IDE',
    available: true,
    icon: 'prompts',
    summary: 'Parameterised prompt templates, side-by-side model runs and immutable prompt versions.',
    roles: BUILDER_SIDE,
  },
  {
    path: '/knowledge',
    label: 'Knowledge',
    available: true,
    icon: 'knowledge',
    summary: 'Upload documents into knowledge bases and retrieve from them in your apps.',
    roles: BUILDER_SIDE,
  },
  {
    path: '/evaluations',
    label: 'Evaluations',
    available: true,
    icon: 'evaluations',
    summary: 'Batch runs over datasets with automatic evaluators and a good-result ratio per version.',
    roles: BUILDER_SIDE,
  },
  {
    path: '/finetune',
    label: 'Fine-tuning',
    available: true,
    icon: 'finetune',
    summary: "Train a small adapter (LoRA and five other methods) on a dataset's expected outputs; compare it with its base model.",
    roles: BUILDER_SIDE,
  },
  {
    path: '/annotation',
    label: 'Annotation',
    available: true,
    icon: 'annotation',
    summary: 'Review queues where annotators label traced runs, keyboard first.',
    roles: REVIEWERS,
  },
  {
    path: '/runs',
    label: 'Runs',
    available: true,
    icon: 'runs',
    summary: 'Every run of every app — test runs, API and chat calls — with filters and its trace.',
    roles: BUILDER_SIDE,
  },
  {
    path: '/monitoring/',
    external: true,
    label: 'Monitoring',
    available: true,
    icon: 'monitoring',
    summary: 'Cost, latency, errors and quality of live traffic, per app, version, model and key.',
    roles: BUILDER_SIDE,
  },
  {
    path: '/alerts',
    label: 'Alerts',
    available: true,
    icon: 'alerts',
    summary: 'Rules on error rate, latency, cost, feedback and evaluators; the alerts they fired.',
    roles: BUILDER_SIDE,
  },
];

/** The areas built so far. */
export const BUILT_AREAS: readonly Area[] = AREAS.filter((area) => area.available);

/** Whether a role works on the apps (sees the builder's areas and settings); annotators do not.
 * Without a workspace (no role) the app shows the builder's side, which then asks for one. */
export function seesBuilder(role: string): boolean {
  return role !== 'annotator';
}

/** The areas the nav shows to a role: those built that the role sees. */
export function areasFor(role: string): readonly Area[] {
  const asRole = (role || 'viewer') as Role;
  return BUILT_AREAS.filter((area) => area.roles.includes(asRole));
}
