/** Pure logic of a label's A/B traffic split in the Publish panel: the editor's starting arms, the
 * checks the server makes (at least two arms, distinct versions, whole percents 1–99 adding up to
 * 100), and the link to the Quality page that compares the arms. */
import type { LabelArm } from './types';

export const SPLIT_TOTAL = 100;
export const MAX_ARMS = 10;

/** An arm as typed in the editor: the version picked and the weight as text. */
export interface ArmDraft {
  version: string;
  weight: string;
}

/** Where the editor starts: the label's split, or its version at 90 % and the newest other
 * version at 10 % (a canary). */
export function initialArms(current: { version: number; split: LabelArm[] }, versions: number[]): ArmDraft[] {
  if (current.split.length) return current.split.map((a) => ({ version: String(a.version), weight: String(a.weight) }));
  const other = [...versions].sort((a, b) => b - a).find((v) => v !== current.version);
  return [
    { version: String(current.version), weight: '90' },
    { version: other === undefined ? '' : String(other), weight: '10' },
  ];
}

export interface SplitCheck {
  /** The weights typed so far, added up (what the editor shows live). */
  total: number;
  /** What stops the split from being saved, in words; empty when it can be. */
  problems: string[];
  /** The split to send, by version number; null while there are problems. */
  arms: LabelArm[] | null;
}

export function checkSplit(drafts: ArmDraft[]): SplitCheck {
  const problems: string[] = [];
  const weights = drafts.map((d) => (/^\d+$/.test(d.weight.trim()) ? Number(d.weight.trim()) : NaN));
  const total = weights.reduce((sum, w) => sum + (Number.isNaN(w) ? 0 : w), 0);
  if (drafts.length < 2) problems.push('A split needs at least two versions.');
  if (drafts.length > MAX_ARMS) problems.push(`At most ${MAX_ARMS} versions.`);
  if (drafts.some((d) => !d.version)) problems.push('Pick a version for every arm.');
  const picked = drafts.map((d) => d.version).filter(Boolean);
  if (new Set(picked).size !== picked.length) problems.push('Each version may appear once.');
  if (weights.some((w) => Number.isNaN(w) || w < 1 || w >= SPLIT_TOTAL)) problems.push('Each weight is a whole percent from 1 to 99.');
  else if (total !== SPLIT_TOTAL) problems.push(`The weights add up to ${total} %; they must add up to ${SPLIT_TOTAL} %.`);
  if (problems.length) return { total, problems, arms: null };
  const arms = drafts.map((d, i) => ({ version: Number(d.version), weight: weights[i] ?? 0 })).sort((a, b) => a.version - b.version);
  return { total, problems, arms };
}

/** The monitoring Quality page comparing the label's arms (a page of its own, outside the React app). */
export function qualityLink(workspaceId: string | number, appId: string | number, label: string): string {
  const query = new URLSearchParams({ app: String(appId), label });
  return `/monitoring/w/${encodeURIComponent(String(workspaceId))}/quality?${query.toString()}`;
}
