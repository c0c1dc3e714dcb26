/**
 * Destroying a key, for any threshold scheme, as a session protocol (docs/lifecycle.md):
 * `inviting → destroying → completed`. Every holder of the current epoch is invited; once all
 * accepted, each deletes its share and answers with its identity key's signature over
 * `destroyStatement` (read by the server only). The server marks the key `destroyed` when all
 * have answered, `destroy_incomplete` if the session ends otherwise after `destroying` began,
 * and leaves it `active` if it ends before (nobody deleted anything): `destroy-checks.ts`.
 *
 * @module
 */
import type { OwnEvent } from '../session/common.js';
import type { SessionProtocol } from '../session/description.js';
import { direct } from '../session/notifications.js';
import { assertSessionInput, inIndexOrder, withEntry } from '../session/participants.js';
import { runningDeadline } from '../session/phase.js';
import { submission } from '../session/submission.js';
import { THRESHOLD_SCHEMES } from '../threshold-schemes.js';
import {
  DESTROY_KIND,
  DESTROYING,
  type DestroyContext,
  type DestroyedEvent,
  type DestroyInput,
} from './destroy-types.js';

export const destroySession: SessionProtocol<
  DestroyContext,
  OwnEvent<DestroyedEvent>,
  DestroyInput
> = {
  kind: DESTROY_KIND,
  schemes: THRESHOLD_SCHEMES,
  members: (input) => input.holders,
  start(input) {
    assertSessionInput(input, input.holders, DESTROY_KIND, THRESHOLD_SCHEMES);
    return {
      kind: DESTROY_KIND,
      keyId: input.keyId,
      keygenSessionId: input.keygenSessionId,
      epoch: input.epoch,
      acknowledgements: {},
      result: null,
    };
  },
  invite: (context, participant) =>
    direct('destroy_invite', participant.name, {
      sessionId: context.sessionId,
      coordinator: context.coordinator,
      scheme: context.scheme,
      keyId: context.keyId,
      keygenSessionId: context.keygenSessionId,
      epoch: context.epoch,
      t: context.threshold,
      partIndex: participant.index,
      participants: context.participants,
      deadline: runningDeadline(context),
    }),
  publicResult: (context) => context.result,
  rounds: [
    {
      phase: DESTROYING,
      done: 'destroyed',
      delivery: 'server',
      encrypted: false,
      settle: (context) => ({
        complete: {
          result: {
            keyId: context.keyId,
            epoch: context.epoch,
            acknowledgements: inIndexOrder(context, context.acknowledgements).map(
              ({ name, value }) => ({ participant: name, signature: value }),
            ),
          },
        },
      }),
    },
  ],
  events: {
    DESTROYED: submission<DestroyContext, DestroyedEvent>({
      phase: DESTROYING,
      done: 'destroyed',
      what: 'its acknowledgement',
      store: (context, event) => ({
        acknowledgements: withEntry(context.acknowledgements, event.participant, event.signature),
      }),
    }),
  },
};
