// Test helper: one users-file entry (an admin of tenant acme), as services/shared/auth/users.ts reads it.
export const usersFileAdmin = (username: string, passwordHash: string) => ({
  username,
  displayName: username,
  role: 'admin',
  tenant: 'acme',
  passwordHash,
});
