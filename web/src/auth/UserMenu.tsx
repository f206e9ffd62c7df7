// The signed-in user's name in the top bar, with their account page and
// sign out. <details> opens and closes without script and is keyboard
// reachable. Shown only when the server has users (--auth).
import { useState } from 'react';
import type { User } from '../api/auth';
import { href } from '../lib/urlState';

export function UserMenu({ user, signOut }: { user: User; signOut: () => Promise<void> }) {
  const [leaving, setLeaving] = useState(false);
  return (
    <details className="user-menu">
      <summary aria-label={`Account: ${user.username}`}>
        <span className="user-name">{user.username}</span>
        {user.is_admin && <span className="user-admin">admin</span>}
      </summary>
      <div className="user-menu-panel">
        <div className="muted">
          Signed in as <strong>{user.username}</strong>
        </div>
        {/* Closes the menu: the page changes under it, the <details> stays. */}
        <a href={href.account()} onClick={(e) => e.currentTarget.closest('details')?.removeAttribute('open')}>
          Account and tokens
        </a>
        <button
          type="button"
          disabled={leaving}
          onClick={() => {
            setLeaving(true);
            void signOut();
          }}
        >
          Sign out
        </button>
      </div>
    </details>
  );
}
