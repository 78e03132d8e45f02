import type { Version } from '../api/queries';

/**
 * The options of a version picker: every version the reader sees, the current one marked; while the
 * list loads, the document shown stands alone so the picker is never empty.
 */
export function VersionOptions({
  versions,
  shown,
  currentVersionId,
}: {
  versions: Version[] | undefined;
  shown: Version | undefined;
  currentVersionId: string | null | undefined;
}) {
  return (
    <>
      {!versions && shown ? <option value={shown.id}>{shown.label}</option> : null}
      {versions?.map((v) => (
        <option key={v.id} value={v.id}>
          {v.label}
          {v.id === currentVersionId ? ' (current)' : ''}
        </option>
      ))}
    </>
  );
}
