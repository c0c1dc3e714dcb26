import { z } from 'zod';

/** Who may do what: the `role` claim of a token (docs/sessions.md, Authorisation). */
export const roles = ['coordinator', 'participant', 'admin'] as const;
export const RoleSchema = z.enum(roles);
export type Role = z.infer<typeof RoleSchema>;

/** Names of coordinators and participants: the token's `sub`, also used in sessions. */
export const NameSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/,
    'a name is 1-64 letters, digits, . _ @ - (starting with a letter or digit)',
  );

export interface Principal {
  sub: string;
  role: Role;
}
