/** Settings → Members: who works in this workspace and with which role. Owners invite people (by
 * e-mail or username), change roles, remove members and revoke pending invitations; everyone else
 * reads the list and may leave. A workspace keeps at least one owner. */
import { useCallback, useEffect, useId, useState } from 'react';
import { isAbortError } from '../api/client';
import { ErrorNotice } from '../components/ErrorNotice';
import { useSession } from '../session';
import {
  type Invitation,
  type InvitationCreated,
  type InviteResult,
  type Member,
  type MemberRole,
  ROLES,
  invite,
  isInvitation,
  listInvitations,
  listMembers,
  removeMember,
  revokeInvitation,
  setRole,
} from './members';
import './settings.css';

const roleLabel = (role: string) => ROLES.find((r) => r.value === role)?.label ?? role;
const day = (iso: string) => new Date(iso).toLocaleDateString(undefined, { dateStyle: 'medium' });

function RoleOptions() {
  return (
    <>
      {ROLES.map((r) => (
        <option key={r.value} value={r.value}>
          {r.label}
        </option>
      ))}
    </>
  );
}

function InviteForm({ workspaceId, onInvited }: { workspaceId: string; onInvited: (result: InviteResult) => void }) {
  const [who, setWho] = useState('');
  const [role, setRoleChoice] = useState<MemberRole>('annotator');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const ids = useId();

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    invite(workspaceId, who, role)
      .then((result) => {
        setWho('');
        onInvited(result);
      })
      .catch(setError)
      .finally(() => setBusy(false));
  };

  return (
    <form className="panel invite-form" aria-label="Invite a member" onSubmit={submit}>
      <h2>Invite</h2>
      <div className="invite-fields">
        <div className="invite-field">
          <label htmlFor={`${ids}-who`}>E-mail or username</label>
          <input
            id={`${ids}-who`}
            required
            value={who}
            onChange={(e) => setWho(e.target.value)}
            placeholder="ana@example.com or ana"
            autoComplete="off"
            aria-describedby={`${ids}-hint`}
          />
        </div>
        <div className="invite-field">
          <label htmlFor={`${ids}-role`}>Role</label>
          <select id={`${ids}-role`} value={role} onChange={(e) => setRoleChoice(e.target.value as MemberRole)}>
            <RoleOptions />
          </select>
        </div>
        <button type="submit" className="button-primary" disabled={busy || !who.trim()}>
          {busy ? 'Inviting…' : 'Invite'}
        </button>
      </div>
      <p id={`${ids}-hint`} className="muted small">
        Someone with an account joins at once. A new e-mail address gets an invitation link, valid for 7 days.{' '}
        {ROLES.find((r) => r.value === role)?.summary}
      </p>
      {error !== null && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
    </form>
  );
}

/** The link of an invitation just made, with a copy button: it is shown this once. */
function InvitationLink({ invitation, onDismiss }: { invitation: InvitationCreated; onDismiss: () => void }) {
  const [copied, setCopied] = useState<boolean | null>(null);
  const copy = () => {
    navigator.clipboard
      .writeText(invitation.link)
      .then(() => setCopied(true))
      .catch(() => setCopied(false));
  };
  return (
    <div className="panel invitation-link" role="status" data-testid="invitation-link">
      <p>
        <strong>{invitation.email}</strong> is invited as {roleLabel(invitation.role).toLowerCase()}.{' '}
        {invitation.email_sent
          ? 'An e-mail with this link is on its way.'
          : 'The e-mail could not be sent: pass this link on yourself.'}{' '}
        It is shown only now.
      </p>
      <div className="invitation-link-row">
        <input readOnly aria-label="Invitation link" value={invitation.link} onFocus={(e) => e.target.select()} />
        <button type="button" onClick={copy}>
          Copy link
        </button>
        <button type="button" className="button-quiet" onClick={onDismiss}>
          Done
        </button>
      </div>
      {copied === true && <p className="muted small">Copied.</p>}
      {copied === false && <p className="muted small">Could not copy: select the link and copy it by hand.</p>}
    </div>
  );
}

function MemberRow({
  member,
  manage,
  lastOwner,
  onRole,
  onRemove,
}: {
  member: Member;
  manage: boolean;
  lastOwner: boolean;
  onRole: (m: Member, role: MemberRole) => void;
  onRemove: (m: Member) => void;
}) {
  const why = useId();
  const who = member.name || member.username;
  return (
    <tr data-testid={`member-${member.username}`}>
      <td>
        {member.name || <span className="muted">—</span>}
        {member.is_you && <span className="badge member-you">you</span>}
      </td>
      <td>{member.username}</td>
      <td>{member.email ?? <span className="muted">—</span>}</td>
      <td>
        {manage ? (
          <select
            aria-label={`Role of ${who}`}
            value={member.role}
            disabled={lastOwner}
            aria-describedby={lastOwner ? why : undefined}
            onChange={(e) => onRole(member, e.target.value as MemberRole)}
          >
            <RoleOptions />
          </select>
        ) : (
          roleLabel(member.role)
        )}
        {lastOwner && (manage || member.is_you) && (
          <span id={why} className="muted small member-why">
            The only owner: make someone else an owner first.
          </span>
        )}
      </td>
      <td className="member-actions">
        {(manage || member.is_you) && (
          <button
            type="button"
            className="button-small button-danger-quiet"
            disabled={lastOwner}
            aria-describedby={lastOwner ? why : undefined}
            aria-label={member.is_you ? 'Leave this workspace' : `Remove ${who}`}
            onClick={() => onRemove(member)}
          >
            {member.is_you ? 'Leave' : 'Remove'}
          </button>
        )}
      </td>
    </tr>
  );
}

function PendingInvitations({ invitations, onRevoke }: { invitations: Invitation[]; onRevoke: (i: Invitation) => void }) {
  if (invitations.length === 0) return <p className="muted">No pending invitations.</p>;
  return (
    <ul className="invitation-list" aria-label="Pending invitations">
      {invitations.map((inv) => (
        <li key={inv.id} data-testid={`invitation-${inv.email}`}>
          <span>
            <strong>{inv.email}</strong> <span className="badge">{roleLabel(inv.role)}</span>
          </span>
          <span className="muted small">
            {inv.invited_by ? `by ${inv.invited_by}, ` : ''}expires {day(inv.expires_at)}
          </span>
          <button
            type="button"
            className="button-small button-danger-quiet"
            aria-label={`Revoke the invitation of ${inv.email}`}
            onClick={() => onRevoke(inv)}
          >
            Revoke
          </button>
        </li>
      ))}
    </ul>
  );
}

export function MembersPage() {
  const { workspaceId, role } = useSession();
  const manage = role === 'owner';
  const [members, setMembers] = useState<Member[] | null>(null);
  const [invitations, setInvitations] = useState<Invitation[]>([]);
  const [created, setCreated] = useState<InvitationCreated | null>(null);
  const [joined, setJoined] = useState<Member | null>(null);
  const [error, setError] = useState<unknown>(null);

  const refresh = useCallback(
    (signal?: AbortSignal) => {
      const fail = (err: unknown) => {
        if (!isAbortError(err)) setError(err);
      };
      listMembers(workspaceId, signal).then(setMembers).catch(fail);
      if (manage) listInvitations(workspaceId, signal).then(setInvitations).catch(fail);
    },
    [workspaceId, manage],
  );
  useEffect(() => {
    const controller = new AbortController();
    refresh(controller.signal);
    return () => controller.abort();
  }, [refresh]);

  const owners = members?.filter((m) => m.role === 'owner').length ?? 0;

  const onInvited = (result: InviteResult) => {
    if (isInvitation(result)) {
      setCreated(result.invitation);
      setJoined(null);
    } else {
      setJoined(result);
      setCreated(null);
    }
    refresh();
  };
  const changeRole = (member: Member, next: MemberRole) => {
    setError(null);
    setRole(workspaceId, member.id, next)
      .then(() => (member.is_you ? window.location.reload() : refresh()))
      .catch((err: unknown) => {
        setError(err);
        refresh();
      });
  };
  const remove = (member: Member) => {
    const question = member.is_you
      ? 'Leave this workspace? You lose access to it until an owner invites you again.'
      : `Remove ${member.name || member.username} from this workspace? They lose access at once.`;
    if (!window.confirm(question)) return;
    setError(null);
    removeMember(workspaceId, member.id)
      .then(() => (member.is_you ? window.location.assign('/app/') : refresh()))
      .catch(setError);
  };
  const revoke = (invitation: Invitation) => {
    if (!window.confirm(`Revoke the invitation of ${invitation.email}? Its link stops working.`)) return;
    setError(null);
    revokeInvitation(workspaceId, invitation.id)
      .then(() => refresh())
      .catch(setError);
  };

  return (
    <section className="page members-page" aria-labelledby="page-title">
      <header className="settings-header">
        <div>
          <h1 id="page-title">Members</h1>
          <p className="muted">
            {manage
              ? 'Who works in this workspace and with which role.'
              : 'Who works in this workspace. Only owners change members and roles.'}
          </p>
        </div>
      </header>
      {error !== null && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
      {manage && <InviteForm workspaceId={workspaceId} onInvited={onInvited} />}
      {created && <InvitationLink invitation={created} onDismiss={() => setCreated(null)} />}
      {joined && (
        <p className="panel" role="status">
          <strong>{joined.name || joined.username}</strong> joined as {roleLabel(joined.role).toLowerCase()}.
        </p>
      )}
      <h2>Members{members ? ` (${members.length})` : ''}</h2>
      {members === null ? (
        <p className="muted">Loading…</p>
      ) : (
        <table className="member-table" aria-label="Members">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Username</th>
              <th scope="col">E-mail</th>
              <th scope="col">Role</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {members.map((m) => (
              <MemberRow
                key={m.id}
                member={m}
                manage={manage}
                lastOwner={m.role === 'owner' && owners <= 1}
                onRole={changeRole}
                onRemove={remove}
              />
            ))}
          </tbody>
        </table>
      )}
      {manage && (
        <>
          <h2>Pending invitations</h2>
          <PendingInvitations invitations={invitations} onRevoke={revoke} />
        </>
      )}
    </section>
  );
}
