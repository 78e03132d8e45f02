import { useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect, type ReactNode } from 'react';
import { api, ApiError, onSessionEnded, setCsrfToken, unwrap, type Schemas } from './api/client';

export type User = Schemas['User'];

interface SessionState {
  user: User | null;
  loading: boolean;
  signIn: (email: string, password: string) => Promise<User>;
  signOut: () => Promise<void>;
}

const SessionContext = createContext<SessionState | null>(null);

const SESSION_KEY = ['session'] as const;

/** Forgets everything one account read, so that nothing of it stays in the page for the next. */
function resetTo(client: QueryClient, user: User | null): void {
  client.removeQueries({ predicate: (query) => query.queryKey[0] !== SESSION_KEY[0] });
  client.setQueryData(SESSION_KEY, user);
}

/**
 * The tabs of one browser share one cookie: when one signs in or out, the others hear it here, forget
 * what the previous account read, and ask the server who is signed in now.
 */
const tabs = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel('parley-session');
const tellOtherTabs = () => tabs?.postMessage('changed');

/** Who is signed in: the browser's session cookie, asked of the server once and kept in the query cache. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const client = useQueryClient();
  const session = useQuery({
    queryKey: SESSION_KEY,
    staleTime: Infinity,
    retry: false,
    queryFn: async () => {
      try {
        const answer = await unwrap(api.GET('/api/auth/session'));
        setCsrfToken(answer.csrfToken);
        return answer.user;
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) return null;
        throw error;
      }
    },
  });
  // A session that ends on the server (signed out elsewhere, expired) ends here too, with nothing kept.
  useEffect(
    () =>
      onSessionEnded(() => {
        setCsrfToken(null);
        resetTo(client, null);
      }),
    [client],
  );
  useEffect(() => {
    if (!tabs) return;
    const changed = () => {
      setCsrfToken(null);
      resetTo(client, null);
      void client.invalidateQueries({ queryKey: SESSION_KEY });
    };
    tabs.addEventListener('message', changed);
    return () => tabs.removeEventListener('message', changed);
  }, [client]);
  const signInMutation = useMutation({
    mutationFn: async ({ email, password }: { email: string; password: string }) => {
      const answer = await unwrap(api.POST('/api/auth/session', { body: { email, password } }));
      setCsrfToken(answer.csrfToken);
      resetTo(client, answer.user);
      tellOtherTabs();
      return answer.user;
    },
  });
  const value: SessionState = {
    user: session.data ?? null,
    loading: session.isPending,
    signIn: (email, password) => signInMutation.mutateAsync({ email, password }),
    signOut: async () => {
      try {
        await unwrap(api.POST('/api/auth/logout'));
      } finally {
        setCsrfToken(null);
        resetTo(client, null);
        tellOtherTabs();
      }
    },
  };
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}
