import { createContext, useContext } from 'react';

/**
 * What the Django page tells the app about the session, read once from the
 * data-* attributes of the mount element:
 *
 *   <div id="root" data-workspace-id="3" data-workspace-name="Acme"
 *        data-user="Ada Lovelace" data-csrf-token="..." data-role="owner"></div>
 */
export interface BootData {
  workspaceId: string;
  workspaceName: string;
  user: string;
  csrfToken: string;
  role: string;
}

export function readBootData(el: HTMLElement): BootData {
  const d = el.dataset;
  return {
    workspaceId: d.workspaceId ?? '',
    workspaceName: d.workspaceName ?? '',
    user: d.user ?? '',
    csrfToken: d.csrfToken ?? '',
    role: d.role ?? '',
  };
}

export const SessionContext = createContext<BootData | null>(null);

export function useSession(): BootData {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession() used outside <SessionContext.Provider>');
  return session;
}
