import {
  InboxInputSchema,
  RegisterInputSchema,
  RespondInputSchema,
  SubmitInputSchema,
} from '../../../protocol/sessions.js';
import { roleProcedure, router } from '../init.js';

/** Participants act as the token's `sub`; admins may too (and register keys for others). */
const actor = roleProcedure('participant', 'admin');

/**
 * Participants (docs/sessions.md, "API"): identity key registration with proof of possession, answers to
 * invitations, round submissions, and the resumable inbox of every event addressed to them.
 */
export const participantRouter = router({
  /** A single-use challenge (32 bytes hex) to sign in `register`; valid for two minutes. */
  challenge: actor.mutation(({ ctx }) => ctx.services.sessions.identities.challenge(ctx.principal)),

  /** Registers (or replaces) the caller's identity key; see RegisterInputSchema. */
  register: actor
    .input(RegisterInputSchema)
    .mutation(({ ctx, input }) => ctx.services.sessions.identities.register(ctx.principal, input)),

  /** Registered participants and their identity keys (coordinators pick names from it). */
  list: roleProcedure('coordinator', 'admin').query(({ ctx }) =>
    ctx.services.sessions.identities.list(),
  ),

  /** Accept or reject an invitation; returns the session as the caller now sees it. */
  respond: actor
    .input(RespondInputSchema)
    .mutation(({ ctx, input }) => ctx.services.sessions.respond(ctx.principal, input)),

  /** A round's payload (see SubmissionSchema); returns the session view after it. */
  submit: actor
    .input(SubmitInputSchema)
    .mutation(({ ctx, input }) => ctx.services.sessions.submit(ctx.principal, input)),

  /** Every event addressed to the caller, tracked by event id (resume with lastEventId). */
  inbox: actor
    .input(InboxInputSchema)
    .subscription(({ ctx, input, signal }) =>
      ctx.services.sessions.inbox(ctx.principal, input, { connection: ctx.connection, signal }),
    ),
});
