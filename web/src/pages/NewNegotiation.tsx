import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useLocation } from 'wouter';
import { api, describeError, unwrap } from '../api/client';
import { keys } from '../api/queries';
import './Account.css';

/** Opens a negotiation: its creator becomes the convenor and goes on to seat the parties and people. */
export function NewNegotiation() {
  const client = useQueryClient();
  const [, navigate] = useLocation();
  const [title, setTitle] = useState('');
  const [summary, setSummary] = useState('');
  const open = useMutation({
    mutationFn: () => unwrap(api.POST('/api/negotiations', { body: { title, summary } })),
    onSuccess: (negotiation) => {
      // To its convening page first: the list, refreshed with one negotiation, would go to its dashboard.
      navigate(`/n/${encodeURIComponent(negotiation.id)}/convening`);
      void client.invalidateQueries({ queryKey: keys.negotiations() });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    open.mutate();
  };
  return (
    <details className="card new-negotiation">
      <summary>Open a new negotiation</summary>
      <form className="form" onSubmit={submit}>
        <p className="hint">You become its convenor: you add the parties, invite the people and define the issues.</p>
        <label htmlFor="new-title">Title</label>
        <input id="new-title" required maxLength={300} value={title} onChange={(e) => setTitle(e.target.value)} />
        <label htmlFor="new-summary">Summary</label>
        <textarea id="new-summary" rows={3} value={summary} onChange={(e) => setSummary(e.target.value)} />
        {open.error ? (
          <p className="error" role="alert">
            {describeError(open.error)}
          </p>
        ) : null}
        <button type="submit" className="primary" disabled={open.isPending}>
          Open the negotiation
        </button>
      </form>
    </details>
  );
}
