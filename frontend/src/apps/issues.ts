/** Validation issues by severity: errors stop a run or a publish; warnings are shown, allowed. */
import type { Issue } from './types';

export function isWarning(issue: Issue): boolean {
  return issue.severity === 'warning';
}

/** The issues that stop a run or a publish (an issue without a severity is an error). */
export function errorsOf(issues: readonly Issue[]): Issue[] {
  return issues.filter((i) => !isWarning(i));
}

export function warningsOf(issues: readonly Issue[]): Issue[] {
  return issues.filter(isWarning);
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
