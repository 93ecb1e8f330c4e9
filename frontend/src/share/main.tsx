/** The public web chat page (/chat/<token>/): a second entry of the build, apart from the app
 * (no router, no session). Django renders the mount element with the link's token. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { applyTheme, initialTheme } from '../theme/theme';
import { ChatPage } from './ChatPage';
import './chat.css';

const rootElement = document.getElementById('chat-root');
if (!rootElement) throw new Error('LLMOps Studio: no #chat-root element on the page');
const data = rootElement.dataset;
applyTheme(initialTheme());

createRoot(rootElement).render(
  <StrictMode>
    <ChatPage token={data.token ?? ''} name={data.name ?? ''} description={data.description ?? ''} embed={data.embed === '1'} />
  </StrictMode>,
);
