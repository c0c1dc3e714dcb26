// Approval policies of the `participant` command: --auto-approve accepts everything; otherwise
// the operator is asked on the terminal (one question at a time), and without a terminal every
// invitation is refused, saying why.
import readline from 'node:readline/promises';
import type { Approve } from '../client/participant/index.js';
import { describeInvitation } from './invitation-text.js';

export function askOnTerminal(
  input: NodeJS.ReadableStream,
  output: NodeJS.WritableStream,
): Approve {
  let previous: Promise<unknown> = Promise.resolve();
  return (invite) => {
    const answer = previous.then(async () => {
      const rl = readline.createInterface({ input, output });
      // Ctrl-C at the prompt stops the agent, as it does anywhere else: without this listener
      // readline would reject the question, which would count as a refusal of the invitation.
      rl.on('SIGINT', () => process.kill(process.pid, 'SIGINT'));
      try {
        const reply = await rl.question(
          `invitation: ${describeInvitation(invite)}\naccept? [y/N] `,
        );
        return /^y(es)?$/i.test(reply.trim())
          ? true
          : { accept: false as const, reason: 'declined by the operator' };
      } finally {
        rl.close();
      }
    });
    previous = answer.catch(() => {});
    return answer;
  };
}

export const refuseWithoutTerminal: Approve = () => ({
  accept: false,
  reason: 'the participant runs without --auto-approve and has no terminal to ask its operator',
});

export function approvalPolicy(autoApprove: boolean): Approve {
  if (autoApprove) return () => true;
  return process.stdin.isTTY ? askOnTerminal(process.stdin, process.stdout) : refuseWithoutTerminal;
}
