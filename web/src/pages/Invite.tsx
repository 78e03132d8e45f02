export function InvitePage({ token }: { token: string }) {
  return <p data-token-length={token.length}>This view is being written.</p>;
}
