import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { setCsrfToken } from './api/client';
import { App } from './App';
import { readBootData, SessionContext } from './session';
import { applyTheme, initialTheme } from './theme/theme';
import './styles.css';

const rootElement = document.getElementById('root');
if (!rootElement) throw new Error('LLMOps Studio: no #root element on the page');

const session = readBootData(rootElement);
setCsrfToken(session.csrfToken);
applyTheme(initialTheme()); // before the first paint, so there is no flash of the wrong theme

createRoot(rootElement).render(
  <StrictMode>
    <SessionContext.Provider value={session}>
      <BrowserRouter basename="/app">
        <App />
      </BrowserRouter>
    </SessionContext.Provider>
  </StrictMode>,
);
