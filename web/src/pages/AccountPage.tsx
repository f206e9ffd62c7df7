// #/account: what a signed-in user manages about themself (access tokens,
// password) and, for admins, the users. Only meaningful with
// `cairn server --auth`; without it there is nobody to manage.
import { PasswordSection } from '../account/PasswordSection';
import { TokensSection } from '../account/TokensSection';
import { UsersSection } from '../account/UsersSection';
import type { User } from '../api/auth';
import { Breadcrumbs, EmptyState } from '../components/common';

export default function AccountPage({ user }: { user: User | null }) {
  if (!user) {
    return (
      <div className="page">
        <EmptyState title="No accounts on this server">
          It runs without authentication (<code>cairn server --auth</code> turns it on; see docs/auth.md), so there are no
          users, passwords or access tokens to manage.
        </EmptyState>
      </div>
    );
  }
  return (
    <div className="page account">
      <Breadcrumbs items={[{ label: 'Account' }]} />
      <h1>
        {user.username}
        {user.is_admin && <span className="badge badge-run account-admin">admin</span>}
      </h1>
      <TokensSection />
      <PasswordSection username={user.username} />
      {user.is_admin && <UsersSection me={user.username} />}
    </div>
  );
}
