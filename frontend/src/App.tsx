import { Route, Routes } from 'react-router';
import { AREAS } from './areas';
import { ComingSoon } from './components/ComingSoon';
import { Layout } from './components/Layout';
import { AppsPage } from './pages/AppsPage';
import { NotFoundPage } from './pages/NotFoundPage';

/** Routes under /app (the router's basename). */
export function App() {
  return (
    <Routes>
      <Route element={<Layout />}>
        <Route index element={<AppsPage />} />
        {AREAS.filter((a) => !a.available).map((area) => (
          <Route key={area.path} path={area.path} element={<ComingSoon area={area} />} />
        ))}
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}
