import { useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { describeError, sendFile, type Schemas } from '../api/client';
import type { Version } from '../api/queries';

type Recognised = Schemas['RecognisedText'];

/** The formats a version downloads in, as the export menu offers them. */
const FORMATS: [format: string, words: string][] = [
  ['docx', 'Word (.docx)'],
  ['pdf', 'PDF (printed, numbered lines)'],
  ['akn', 'Akoma Ntoso (.akn.xml)'],
  ['md', 'Markdown (.md)'],
];

const exportUrl = (id: string, versionId: string, format: string, compare?: string, lang?: string) =>
  `/api/negotiations/${encodeURIComponent(id)}/versions/${encodeURIComponent(versionId)}/export?format=${format}${
    compare ? `&compare=${encodeURIComponent(compare)}` : ''
  }${lang ? `&lang=${encodeURIComponent(lang)}` : ''}`;

/**
 * "Export": the version (or, with `compare`, its changes from that version) as a file the browser
 * downloads; the server makes it from what the reader may see, so the file holds nothing more.
 */
export function ExportMenu({
  id,
  versionId,
  compare,
  lang,
}: {
  id: string;
  versionId: string;
  compare?: string;
  /** The language the text is read in: the file is in it too. */
  lang?: string;
}) {
  return (
    <details className="file-menu">
      <summary>Export</summary>
      <ul aria-label={compare ? 'Export the comparison' : 'Export the text'}>
        {FORMATS.filter(([format]) => !compare || format === 'docx').map(([format, words]) => (
          <li key={format}>
            <a href={exportUrl(id, versionId, format, compare, lang)} download>
              {compare ? `${words}, the changes as tracked changes` : words}
            </a>
          </li>
        ))}
      </ul>
    </details>
  );
}

/**
 * "Import": a numbered text from a file (Word, Markdown, plain text). The server says first what it
 * recognised (points, titles, brackets, and notes on what it left out), and saves the new version
 * only when the person confirms.
 */
export function ImportMenu({ id, onVersion }: { id: string; onVersion: (versionId: string) => void }) {
  const queryClient = useQueryClient();
  const inputId = useId();
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<Recognised | null>(null);
  const [label, setLabel] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const base = `/api/negotiations/${encodeURIComponent(id)}/imports`;

  const choose = async (chosen: File | null) => {
    setFile(chosen);
    setPreview(null);
    setError(null);
    if (!chosen) return;
    setBusy(true);
    try {
      const recognised = await sendFile<Recognised>(`${base}/preview?name=${encodeURIComponent(chosen.name)}`, chosen);
      setPreview(recognised);
      setLabel(recognised.title);
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };
  const save = async () => {
    if (!file) return;
    setBusy(true);
    setError(null);
    try {
      const version = await sendFile<Version>(
        `${base}?name=${encodeURIComponent(file.name)}&label=${encodeURIComponent(label)}`,
        file,
      );
      await queryClient.invalidateQueries({ queryKey: ['versions', id] });
      setFile(null);
      setPreview(null);
      onVersion(version.id);
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <details className="file-menu">
      <summary>Import</summary>
      <div className="file-import">
        <label htmlFor={inputId}>A numbered text (Word, Markdown or plain text)</label>
        <input
          id={inputId}
          type="file"
          accept=".docx,.md,.markdown,.txt"
          onChange={(event) => void choose(event.target.files?.[0] ?? null)}
          disabled={busy}
        />
        {busy ? <p className="status">Reading the file…</p> : null}
        {error ? (
          <p className="error" role="alert">
            {error}
          </p>
        ) : null}
        {preview ? (
          <section className="file-preview" aria-label="What the file holds">
            <h3>
              {preview.title}: {preview.points.length} point{preview.points.length === 1 ? '' : 's'} recognised
            </h3>
            <ol>
              {preview.points.map((point) => (
                <li key={point.id} value={point.number}>
                  {point.title || <span className="hint">no title</span>}
                  {point.brackets.length ? (
                    <span className="hint">
                      {' '}
                      — {point.brackets.length} bracket{point.brackets.length > 1 ? 's' : ''}
                    </span>
                  ) : null}
                </li>
              ))}
            </ol>
            {preview.notes.length ? (
              <ul className="file-notes" aria-label="Notes on the file">
                {preview.notes.map((note) => (
                  <li key={note}>{note}</li>
                ))}
              </ul>
            ) : null}
            <label>
              Label of the new version <input value={label} onChange={(e) => setLabel(e.target.value)} />
            </label>
            <p className="row">
              <button type="button" onClick={() => void save()} disabled={busy || !label.trim()}>
                Save as a new version
              </button>
              <button type="button" className="secondary" onClick={() => void choose(null)} disabled={busy}>
                Cancel
              </button>
            </p>
          </section>
        ) : null}
      </div>
    </details>
  );
}
