export function DashboardPage({ id }: { id: string }) {
  return <p data-negotiation={id}>This view is being written.</p>;
}
