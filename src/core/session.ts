// Who is on the other end of a connection or request. Built by the user module from the
// session cookie; core only carries it around and checks roles.
export type Role = 'viewer' | 'staff' | 'admin';

export interface Session {
  userId: number;
  username: string;
  role: Role;
  sessionVersion: number;
}

const RANK: Record<Role, number> = { viewer: 1, staff: 2, admin: 3 };

export function hasRole(session: Session | null, needed: Role): boolean {
  return session !== null && RANK[session.role] >= RANK[needed];
}
