import { lazy, Suspense } from 'react';
import { Route, Routes } from 'react-router';
import { AlertsPage } from './alerts/AlertsPage';
import { BuilderOnly } from './components/BuilderOnly';
import { Layout } from './components/Layout';
import { DatasetPage } from './evaluations/DatasetPage';
import { EvaluationsPage } from './evaluations/EvaluationsPage';
import { NewExperimentPage } from './evaluations/NewExperimentPage';
import { KnowledgeBasePage } from './knowledge/KnowledgeBasePage';
import { KnowledgeListPage } from './knowledge/KnowledgeListPage';
import { DebugPage } from './pages/DebugPage';
import { HomePage } from './pages/HomePage';
import { NotFoundPage } from './pages/NotFoundPage';
import { PlaygroundPage } from './playground/PlaygroundPage';
import { PromptListPage } from './prompts/PromptListPage';
import { PromptPage } from './prompts/PromptPage';
import { RunDetailPage } from './runs/RunDetailPage';
import { RunListPage } from './runs/RunListPage';
import { MembersPage } from './settings/MembersPage';
import { ModelsPage } from './settings/ModelsPage';
import { TelemetryPage } from './settings/TelemetryPage';

// The editor (React Flow, dagre) loads only when an app is opened; an experiment's page (the
// results grid, Plotly) only when one is; the fine-tuning pages when the area is opened.
const EditorPage = lazy(() => import('./editor/EditorPage').then((m) => ({ default: m.EditorPage })));
const AnnotationRoutes = lazy(() => import('./annotation/AnnotationRoutes').then((m) => ({ default: m.AnnotationRoutes })));
const FineTuneRoutes = lazy(() => import('./finetune/FineTuneRoutes').then((m) => ({ default: m.FineTuneRoutes })));
const LineagePage = lazy(() => import('./lineage/LineagePage').then((m) => ({ default: m.LineagePage })));
const ExperimentPage = lazy(() => import('./evaluations/ExperimentPage').then((m) => ({ default: m.ExperimentPage })));

/** Routes under /app (the router's basename). */
export function App() {
  return (
    <Routes>
      <Route element={<Layout />}>
        <Route index element={<HomePage />} />
        <Route
          path="annotation/*"
          element={
            <Suspense fallback={<p className="muted">Opening annotation…</p>}>
              <AnnotationRoutes />
            </Suspense>
          }
        />
        <Route element={<BuilderOnly />}>
          <Route
            path="apps/:appId/versions/:number/lineage"
            element={
              <Suspense fallback={<p className="muted">Opening the lineage…</p>}>
                <LineagePage />
              </Suspense>
            }
          />
          <Route
            path="apps/:appId"
            element={
              <Suspense fallback={<p className="muted">Opening the editor…</p>}>
                <EditorPage />
              </Suspense>
            }
          />
          <Route path="knowledge" element={<KnowledgeListPage />} />
          <Route path="knowledge/:kbId" element={<KnowledgeBasePage />} />
          <Route path="prompts" element={<PromptListPage />} />
          <Route path="prompts/:promptId" element={<PromptPage />} />
          <Route path="playground" element={<PlaygroundPage />} />
          <Route path="evaluations" element={<EvaluationsPage />} />
          <Route path="evaluations/datasets/:datasetId" element={<DatasetPage />} />
          <Route path="evaluations/experiments/new" element={<NewExperimentPage />} />
          <Route
            path="evaluations/experiments/:experimentId"
            element={
              <Suspense fallback={<p className="muted">Opening the experiment…</p>}>
                <ExperimentPage />
              </Suspense>
            }
          />
          <Route
            path="finetune/*"
            element={
              <Suspense fallback={<p className="muted">Opening fine-tuning…</p>}>
                <FineTuneRoutes />
              </Suspense>
            }
          />
          <Route path="settings/models" element={<ModelsPage />} />
          <Route path="settings/members" element={<MembersPage />} />
          <Route path="settings/telemetry" element={<TelemetryPage />} />
          <Route path="runs" element={<RunListPage />} />
          <Route path="runs/:runId" element={<RunDetailPage />} />
          <Route path="alerts" element={<AlertsPage />} />
          <Route path="debug" element={<DebugPage />} />
        </Route>
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}
