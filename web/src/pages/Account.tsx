export function AccountPage() {
  return <p>This view is being written.</p>;
}
