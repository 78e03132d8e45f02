import { lazy, Suspense } from 'react';
import { Redirect, Route, Switch } from 'wouter';
import { Loading } from './components/Status';
import { NegotiationLayout } from './components/NegotiationLayout';
import { AccountPage } from './pages/Account';
import { InvitePage } from './pages/Invite';
import { NegotiationsPage } from './pages/Negotiations';
import { SetPasswordPage } from './pages/SetPassword';
import { SignInPage } from './pages/SignIn';
import { DashboardPage } from './pages/Dashboard';
import { useSession } from './session';

// The heavier views load when first opened: the first page needs only the dashboard.
const TextPage = lazy(() => import('./pages/Text'));
const MatrixPage = lazy(() => import('./pages/Matrix'));
const ComparePage = lazy(() => import('./pages/Compare'));
const ApprovalsPage = lazy(() => import('./pages/Approvals'));
const RoundsPage = lazy(() => import('./pages/Rounds'));
const ConveningPage = lazy(() => import('./pages/Convening'));
const SettlementPage = lazy(() => import('./pages/Settlement'));
const RedLinesPage = lazy(() => import('./pages/RedLines'));
const PreferencesPage = lazy(() => import('./pages/Preferences'));
const TracksPage = lazy(() => import('./pages/Tracks'));
const RulesPage = lazy(() => import('./pages/Rules'));
const HistoryPage = lazy(() => import('./pages/History'));
// The drafting page brings the editor (Tiptap): only those who draft load it.
const DraftingPage = lazy(() => import('./pages/Drafting'));

export function App() {
  const { user, loading } = useSession();
  if (loading) return <Loading what="your session" />;
  return (
    <Switch>
      <Route path="/invite/:token">{(params) => <InvitePage token={params.token} />}</Route>
      <Route path="/set-password/:token">{(params) => <SetPasswordPage token={params.token} />}</Route>
      {!user ? (
        <Route>
          <SignInPage />
        </Route>
      ) : null}
      <Route path="/sign-in">
        <Redirect to="/" />
      </Route>
      <Route path="/">
        <NegotiationsPage />
      </Route>
      <Route path="/account">
        <AccountPage />
      </Route>
      <Route path="/n/:id" nest>
        {(params) => (
          <NegotiationLayout id={params.id}>
            <Suspense fallback={<Loading what="the page" />}>
              <Switch>
                <Route path="/">
                  <DashboardPage id={params.id} />
                </Route>
                <Route path="/text">
                  <TextPage id={params.id} />
                </Route>
                <Route path="/matrix">
                  <MatrixPage id={params.id} />
                </Route>
                <Route path="/compare">
                  <ComparePage id={params.id} />
                </Route>
                <Route path="/approvals">
                  <ApprovalsPage id={params.id} />
                </Route>
                <Route path="/rounds">
                  <RoundsPage id={params.id} />
                </Route>
                <Route path="/convening">
                  <ConveningPage id={params.id} />
                </Route>
                <Route path="/settlement">
                  <SettlementPage id={params.id} />
                </Route>
                <Route path="/red-lines">
                  <RedLinesPage id={params.id} />
                </Route>
                <Route path="/preferences">
                  <PreferencesPage id={params.id} />
                </Route>
                <Route path="/tracks">
                  <TracksPage id={params.id} />
                </Route>
                <Route path="/rules">
                  <RulesPage id={params.id} />
                </Route>
                <Route path="/history">
                  <HistoryPage id={params.id} />
                </Route>
                <Route path="/draft/:draftId">
                  {(draft) => <DraftingPage id={params.id} draftId={draft.draftId} />}
                </Route>
                <Route>
                  <p role="alert">There is no such page here. Choose one in the menu above.</p>
                </Route>
              </Switch>
            </Suspense>
          </NegotiationLayout>
        )}
      </Route>
      <Route>
        <main className="page">
          <h1>Not found</h1>
          <p>
            There is no page at this address. <a href="/">Your negotiations</a>
          </p>
        </main>
      </Route>
    </Switch>
  );
}
