import { screen, within } from '@testing-library/react';
import { Route, Routes } from 'react-router';
import { describe, expect, it } from 'vitest';
import { HomePage } from '../pages/HomePage';
import { TEST_SESSION, renderWithShell } from '../test/render';
import { BuilderOnly } from './BuilderOnly';
import { SideNav } from './SideNav';
import { UserMenu } from './UserMenu';

const navLabels = () =>
  within(screen.getByRole('navigation', { name: 'Main' }))
    .getAllByRole('link')
    .map((a) => a.textContent);

describe('Side nav by role', () => {
  it('shows owners and builders the builder areas and Annotation', () => {
    for (const role of ['owner', 'builder']) {
      const { unmount } = renderWithShell(<SideNav />, { session: { ...TEST_SESSION, role } });
      expect(navLabels()).toEqual([
        'Apps',
        'Prompt IDE',
        'Knowledge',
        'Evaluations',
        'Fine-tuning',
        'Annotation',
        'Runs',
        'Monitoring',
        'Alerts',
      ]);
      unmount();
    }
  });

  it('links Monitoring to the server-rendered pages, outside the app', () => {
    renderWithShell(<SideNav />);
    expect(screen.getByRole('link', { name: 'Monitoring' })).toHaveAttribute('href', '/monitoring/');
  });

  it('shows annotators Annotation only', () => {
    renderWithShell(<SideNav />, { session: { ...TEST_SESSION, role: 'annotator' } });
    expect(navLabels()).toEqual(['Annotation']);
  });

  it('leaves Annotation out for viewers, who cannot review', () => {
    renderWithShell(<SideNav />, { session: { ...TEST_SESSION, role: 'viewer' } });
    expect(navLabels()).not.toContain('Annotation');
    expect(navLabels()).toContain('Apps');
  });
});

describe('Builder-only links', () => {
  it('gives owners the Models and Members settings', () => {
    renderWithShell(<UserMenu user="Ada" role="owner" />);
    expect(screen.getByRole('link', { name: 'Members' })).toHaveAttribute('href', '/settings/members');
    expect(screen.getByRole('link', { name: 'Models' })).toBeInTheDocument();
  });

  it('hides the settings links from annotators', () => {
    renderWithShell(<UserMenu user="Ann" role="annotator" />);
    expect(screen.queryByRole('link', { name: 'Members' })).not.toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'Models' })).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Log out' })).toBeInTheDocument();
  });

  it('sends annotators who follow a link into the builder to their queues, and lets builders in', () => {
    const routes = (
      <Routes>
        <Route element={<BuilderOnly />}>
          <Route path="runs" element={<h1>Runs</h1>} />
        </Route>
        <Route path="annotation" element={<h1>Queues</h1>} />
      </Routes>
    );
    const { unmount } = renderWithShell(routes, { path: '/runs', session: { ...TEST_SESSION, role: 'annotator' } });
    expect(screen.getByRole('heading', { name: 'Queues' })).toBeInTheDocument();
    unmount();
    renderWithShell(routes, { path: '/runs', session: { ...TEST_SESSION, role: 'builder' } });
    expect(screen.getByRole('heading', { name: 'Runs' })).toBeInTheDocument();
  });

  it('sends annotators from the home page to their queues', () => {
    renderWithShell(
      <Routes>
        <Route index element={<HomePage />} />
        <Route path="annotation" element={<h1>Queues</h1>} />
      </Routes>,
      { session: { ...TEST_SESSION, role: 'annotator' } },
    );
    expect(screen.getByRole('heading', { name: 'Queues' })).toBeInTheDocument();
  });
});
