import { Component, useEffect, useState, type ComponentType, type ReactNode } from 'react';
import { getRun } from './api/mlflow';
import { AuthGate, type Session } from './auth/AuthGate';
import { UserMenu } from './auth/UserMenu';
import { EmptyState, ErrorState, Loading } from './components/common';
import { useAsync, useRoute } from './lib/hooks';
import { href, replaceHash, type Route } from './lib/urlState';
import ExperimentPage from './pages/ExperimentPage';
import ExperimentsPage from './pages/ExperimentsPage';

// Pages with heavy dependencies (uPlot) or that are rarely the first page
// load in their own chunks. Not React.lazy: a Suspense boundary holds the
// content back for 300 ms once it has shown its fallback (React 19), which
// would add that to every first visit of such a page.
function lazyPage<P extends object>(load: () => Promise<{ default: ComponentType<P> }>): ComponentType<P> {
  let loaded: ComponentType<P> | null = null;
  let pending: Promise<void> | null = null;
  const start = () => (pending ??= load().then((m) => void (loaded = m.default)));
  return function LazyPage(props: P) {
    const [, setReady] = useState(false);
    const [error, setError] = useState<Error | null>(null);
    useEffect(() => {
      if (!loaded) start().then(() => setReady(true), (e: Error) => setError(e));
    }, []);
    if (error) return <div className="page"><ErrorState error={error} title="Could not load this page (was the server upgraded? reload)" /></div>;
    if (!loaded) return <Loading />;
    const Page = loaded;
    return <Page {...props} />;
  };
}

const RunPage = lazyPage(() => import('./pages/RunPage'));
const ComparePage = lazyPage(() => import('./pages/ComparePage'));
const ModelsPage = lazyPage(() => import('./pages/ModelsPage'));
const ModelPage = lazyPage(() => import('./pages/ModelPage'));
const ModelVersionPage = lazyPage(() => import('./pages/ModelVersionPage'));
const PipelinesPage = lazyPage(() => import('./pages/PipelinesPage'));
// xyflow, dagre and the YAML reader load only with this page.
const PipelineRunPage = lazyPage(() => import('./pages/PipelineRunPage'));
const TuningPage = lazyPage(() => import('./pages/TuningPage'));
const TuningExperimentPage = lazyPage(() => import('./pages/TuningExperimentPage'));
const ServingPage = lazyPage(() => import('./pages/ServingPage'));
const DeploymentPage = lazyPage(() => import('./pages/DeploymentPage'));
const AccountPage = lazyPage(() => import('./pages/AccountPage'));

class ErrorBoundary extends Component<{ children: ReactNode; resetKey: string }, { error: Error | null }> {
  state = { error: null as Error | null };
  static getDerivedStateFromError(error: Error) {
    return { error };
  }
  componentDidUpdate(prev: { resetKey: string }) {
    if (prev.resetKey !== this.props.resetKey && this.state.error) this.setState({ error: null });
  }
  render() {
    if (this.state.error) {
      return (
        <div className="page">
          <ErrorState error={this.state.error} title="This page failed" retry={() => this.setState({ error: null })} />
        </div>
      );
    }
    return this.props.children;
  }
}

function RunById({ runId }: { runId: string }) {
  const run = useAsync((signal) => getRun(runId, signal), [runId]);
  useEffect(() => {
    if (run.data) replaceHash(href.run(run.data.info.experiment_id, runId));
  }, [run.data, runId]);
  if (run.error) return <div className="page"><ErrorState error={run.error} retry={run.reload} title="Could not load this run" /></div>;
  return <Loading what="Finding the run" />;
}

function Page({ route, session }: { route: Route; session: Session }) {
  switch (route.page) {
    case 'experiments':
      return <ExperimentsPage search={route.search} />;
    case 'experiment':
      return <ExperimentPage key={route.experimentId} experimentId={route.experimentId} view={route.view} />;
    case 'run':
      return <RunPage {...route} />;
    case 'runById':
      return <RunById runId={route.runId} />;
    case 'compare':
      return <ComparePage experimentId={route.experimentId} view={route.view} />;
    case 'models':
      return <ModelsPage search={route.search} />;
    case 'model':
      return <ModelPage key={route.name} name={route.name} />;
    case 'modelVersion':
      return <ModelVersionPage key={`${route.name}/${route.version}`} name={route.name} version={route.version} />;
    case 'pipelines':
      return <PipelinesPage view={route.view} />;
    case 'pipelineRun':
      return <PipelineRunPage key={route.runId} runId={route.runId} view={route.view} />;
    case 'tuning':
      return <TuningPage view={route.view} />;
    case 'tuningExperiment':
      return <TuningExperimentPage key={route.experimentId} experimentId={route.experimentId} view={route.view} />;
    case 'serving':
      return <ServingPage />;
    case 'deployment':
      return <DeploymentPage key={route.name} name={route.name} />;
    case 'account':
      return <AccountPage user={session.user} />;
    case 'notFound':
      return (
        <div className="page">
          <EmptyState title="No such page">
            <code>{route.path}</code> is not a page of this dashboard. Go to the <a href={href.experiments()}>experiments</a>.
          </EmptyState>
        </div>
      );
  }
}

const NAV = [
  { id: 'experiments', label: 'Experiments', href: href.experiments(), pages: ['experiments', 'experiment', 'run', 'runById', 'compare'] },
  { id: 'models', label: 'Models', href: href.models(), pages: ['models', 'model', 'modelVersion'] },
  { id: 'pipelines', label: 'Pipelines', href: href.pipelines(), pages: ['pipelines', 'pipelineRun'] },
  { id: 'tuning', label: 'Tuning', href: href.tuning(), pages: ['tuning', 'tuningExperiment'] },
  { id: 'serving', label: 'Serving', href: href.serving(), pages: ['serving', 'deployment'] },
];

// The server decides whether there are users (cairn server --auth); without
// them the gate shows the dashboard straight away.
export function App() {
  return <AuthGate>{(session) => <Dashboard session={session} />}</AuthGate>;
}

function Dashboard({ session }: { session: Session }) {
  const route = useRoute();
  const resetKey = window.location.hash;
  useEffect(() => {
    const titles: Record<string, string> = { experiments: 'Experiments', models: 'Models', pipelines: 'Pipelines', pipelineRun: 'Pipeline run', tuning: 'Tuning', tuningExperiment: 'Tuning experiment', serving: 'Serving', deployment: 'Deployment', account: 'Account' };
    document.title = `${titles[route.page] ?? route.page.replace(/([A-Z])/g, ' $1').toLowerCase()} · cairn`;
  }, [route.page]);
  return (
    <div className="app">
      <a className="skip" href="#main" onClick={(e) => { e.preventDefault(); document.getElementById('main')?.focus(); }}>
        Skip to content
      </a>
      <header className="topbar">
        <a className="brand" href={href.experiments()}>
          <img src="./favicon.svg" alt="" width={20} height={20} /> cairn
        </a>
        <nav aria-label="Main">
          {NAV.map((n) => (
            <a key={n.id} href={n.href} className={n.pages.includes(route.page) ? 'nav active' : 'nav'} aria-current={n.pages.includes(route.page) ? 'page' : undefined}>
              {n.label}
            </a>
          ))}
        </nav>
        {session.user && <UserMenu user={session.user} signOut={session.signOut} />}
      </header>
      <main id="main" tabIndex={-1}>
        <ErrorBoundary resetKey={resetKey}>
          <Page route={route} session={session} />
        </ErrorBoundary>
      </main>
    </div>
  );
}
