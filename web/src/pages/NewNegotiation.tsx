export function NewNegotiation() {
  return null;
}
