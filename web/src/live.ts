import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { refreshTopics } from './api/queries';

export type LiveState = 'connecting' | 'live' | 'reconnecting' | 'ended';

/**
 * Follows the negotiation's live stream: each `change` refreshes the queries of the topics it names;
 * each `ready` refreshes everything, so nothing missed stays missed. The first one too: the server
 * takes what the reader sees only as the stream opens, after the page read its data, and a change
 * made in between would otherwise never reach the page.
 */
export function useLive(negotiationId: string): LiveState {
  const client = useQueryClient();
  const [state, setState] = useState<LiveState>('connecting');
  useEffect(() => {
    const source = new EventSource(`/api/negotiations/${encodeURIComponent(negotiationId)}/events`);
    source.addEventListener('ready', () => {
      // Opened or reopened: whatever was missed before, every reading of this negotiation is refreshed.
      void client.invalidateQueries({ predicate: (query) => query.queryKey[1] === negotiationId });
      setState('live');
    });
    source.addEventListener('change', (event) => {
      const { topics } = JSON.parse((event as MessageEvent<string>).data) as { topics: string[] };
      refreshTopics(client, negotiationId, topics);
    });
    source.addEventListener('ended', () => {
      source.close();
      setState('ended');
      void client.invalidateQueries();
    });
    source.addEventListener('error', () => {
      if (source.readyState !== EventSource.CLOSED) setState('reconnecting');
    });
    return () => source.close();
  }, [client, negotiationId]);
  return state;
}
