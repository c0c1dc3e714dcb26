/** The result a completing session holds; its absence is a bug of the protocol description. */
export function resultOf<T>(
  facts: { sessionId: string; context: { result: T | null } },
  what: string,
): T {
  const { result } = facts.context;
  if (result === null) throw new Error(`${what} ${facts.sessionId} completed without a result`);
  return result;
}
