// The signed-in user's name in the top bar, with sign out. <details> opens
// and closes without script and is keyboard reachable.
import { useState } from 'react';
import type { User } from '../api/auth';

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
