import type { Party, Version } from '../api/queries';

/** A date as people read it: a bare date stays that day everywhere; a time shows in the reader's zone. */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '';
  const bare = /^\d{4}-\d{2}-\d{2}$/.test(iso);
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  return bare
    ? at.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' })
    : at.toLocaleString('en-GB', {
        day: 'numeric',
        month: 'short',
        year: 'numeric',
        hour: '2-digit',
        minute: '2-digit',
      });
}

/** When a date alone ends (the end of that day everywhere on earth), or the time itself. */
export function endOf(iso: string): number {
  return /^\d{4}-\d{2}-\d{2}$/.test(iso) ? Date.parse(`${iso}T23:59:59-12:00`) : Date.parse(iso);
}

/** Whether a deadline has passed: a date alone only once that day has ended everywhere. */
export function deadlinePassed(iso: string, now = Date.now()): boolean {
  return endOf(iso) < now;
}

/**
 * A deadline as people read it: a date alone is the end of that day ("end of 31 Mar 2026"), never
 * midnight at its start; a time shows in the reader's zone.
 */
export function deadlineText(iso: string): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(iso) ? `end of ${formatDate(iso)}` : formatDate(iso);
}

export function formatSpan(from: string, to: string | null | undefined): string {
  return to && to !== from ? `${formatDate(from)} – ${formatDate(to)}` : formatDate(from);
}

/** A party's short name, from the parties the reader sees (the id when unknown). */
export function partyNamer(parties: Party[] | undefined): (id: string | null | undefined) => string {
  const byId = new Map((parties ?? []).map((p) => [p.id, p]));
  return (id) => (id ? (byId.get(id)?.shortName ?? id) : 'the mediators');
}

/** Each point id the reader sees, named by its number and title in the newest version that holds it. */
export function pointNamer(versions: Version[] | undefined): (id: string) => string {
  const names = new Map<string, string>();
  for (const version of [...(versions ?? [])].sort((a, b) => a.createdAt.localeCompare(b.createdAt)))
    for (const point of version.points) names.set(point.id, `${point.number}. ${point.title}`);
  return (id) => names.get(id) ?? id;
}

export const percent = (value: number) => `${Math.round(value * 100)}`;
