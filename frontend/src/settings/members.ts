/** Typed calls of the members API: members with roles, invitations, leaving. */
import { apiFetch } from '../api/client';
import type { Paginated } from '../api/types';

export type MemberRole = 'owner' | 'builder' | 'annotator' | 'viewer';

export const ROLES: readonly { value: MemberRole; label: string; summary: string }[] = [
  { value: 'owner', label: 'Owner', summary: 'Everything, including members and workspace settings.' },
  { value: 'builder', label: 'Builder', summary: 'Builds, runs and annotates; no member management.' },
  { value: 'annotator', label: 'Annotator', summary: 'Reviews items in annotation queues; sees nothing else.' },
  { value: 'viewer', label: 'Viewer', summary: 'Reads apps, runs and results; changes nothing.' },
];

export interface Member {
  id: number;
  user_id: number;
  username: string;
  name: string;
  email: string | null;
  role: MemberRole;
  is_you: boolean;
}

export interface Invitation {
  id: number;
  email: string;
  role: MemberRole;
  invited_by: string | null;
  created_at: string;
  expires_at: string;
}

/** An invitation just made: its link is shown once. */
export interface InvitationCreated extends Invitation {
  link: string;
  email_sent: boolean;
}

/** Inviting a known user makes them a member at once; an unknown e-mail gets an invitation. */
export type InviteResult = Member | { invitation: InvitationCreated };

const base = (workspaceId: string) => `/api/workspaces/${encodeURIComponent(workspaceId)}`;

export async function listMembers(workspaceId: string, signal?: AbortSignal): Promise<Member[]> {
  const page = await apiFetch<Paginated<Member>>(`${base(workspaceId)}/members/?limit=500`, { signal });
  return page.results;
}

export async function listInvitations(workspaceId: string, signal?: AbortSignal): Promise<Invitation[]> {
  const page = await apiFetch<Paginated<Invitation>>(`${base(workspaceId)}/invitations/?limit=500`, { signal });
  return page.results;
}

/** Invites by e-mail when the text has an "@", else by username. */
export function invite(workspaceId: string, who: string, role: MemberRole): Promise<InviteResult> {
  const text = who.trim();
  const body = text.includes('@') ? { email: text, role } : { username: text, role };
  return apiFetch<InviteResult>(`${base(workspaceId)}/members/`, { method: 'POST', body });
}

export function setRole(workspaceId: string, memberId: number, role: MemberRole): Promise<Member> {
  return apiFetch<Member>(`${base(workspaceId)}/members/${memberId}/`, { method: 'PATCH', body: { role } });
}

export function removeMember(workspaceId: string, memberId: number): Promise<void> {
  return apiFetch<void>(`${base(workspaceId)}/members/${memberId}/`, { method: 'DELETE' });
}

export function revokeInvitation(workspaceId: string, invitationId: number): Promise<void> {
  return apiFetch<void>(`${base(workspaceId)}/invitations/${invitationId}/`, { method: 'DELETE' });
}

export function isInvitation(result: InviteResult): result is { invitation: InvitationCreated } {
  return 'invitation' in result;
}
