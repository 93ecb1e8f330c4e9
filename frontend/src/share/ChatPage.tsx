/**
 * The public web chat of a published app: the conversation, a message box (Enter sends,
 * Shift+Enter adds a line), a typing indicator until the first piece of the answer arrives, then
 * the answer streamed as it is written, Stop, New conversation, thumbs up / down under each answer
 * (one rating per answer; a thumbs down takes the run into review), and the app's other inputs
 * when it declares some. `embed` is the compact layout used inside an iframe.
 */
import { useCallback, useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import { errorMessage } from '../api/client';
import { LineIcon } from '../components/LineIcon';
import { ChatError, getChatInfo, rateAnswer, sendChat, type ChatInfo, type ChatInput, type Rating } from './client';
import {
  loadConversation,
  messageId,
  saveConversation,
  turnsFor,
  type AnswerRating,
  type ChatMessage,
  type Conversation,
} from './conversation';
import { inputValues } from './inputs';

export interface ChatPageProps {
  token: string;
  name: string;
  description: string;
  embed: boolean;
}

type Notice = { kind: 'rate'; until: number } | { kind: 'error'; text: string };

const NO_INPUTS: ChatInput[] = [];

/** A field's text before the visitor typed anything: the app's default. */
function defaultText(input: ChatInput): string {
  if (input.default === null || input.default === undefined) return '';
  return typeof input.default === 'object' ? JSON.stringify(input.default) : String(input.default);
}

export function Unavailable() {
  return (
    <main className="chat-gone" data-testid="chat-unavailable">
      <h1>This chat is not available</h1>
      <p>The link may have changed, or the chat was turned off. Ask whoever shared it for the current link.</p>
    </main>
  );
}

/** A thumb raised: a palm with its thumb up (drawn here: an emoji needs a font many machines lack). */
const THUMB = 'M7 11v9H4v-9h3zM7 11l4-7a2 2 0 0 1 3.4 1.6L13.5 10H19a2 2 0 0 1 2 2.4l-1.4 6A2 2 0 0 1 17.7 20H7';

const THUMBS: { rating: Rating; label: string; className?: string }[] = [
  { rating: 'up', label: 'Good answer' },
  { rating: 'down', label: 'Bad answer', className: 'chat-thumb-down' },
];

/** What a visitor is told when their rating was not stored (they may try again). */
function ratingProblem(err: unknown): string {
  if (err instanceof ChatError && err.status === 429) return `Too many ratings. Try again in ${err.retryAfter ?? 10} s.`;
  if (err instanceof ChatError && err.code === 'run_not_found') return 'This answer can no longer be rated.';
  return 'The rating was not sent. Try again.';
}

interface RateAnswerProps {
  token: string;
  runId: string;
  rating: AnswerRating | undefined;
  onRated: (rating: AnswerRating) => void;
}

/** Thumbs up / down under an answer: one click sends it, then both stay disabled with the choice shown. */
function RateAnswer({ token, runId, rating, onRated }: RateAnswerProps) {
  const [sending, setSending] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  const rate = async (choice: Rating) => {
    setSending(true);
    setProblem(null);
    try {
      await rateAnswer(token, runId, choice);
      onRated(choice);
    } catch (err) {
      if (err instanceof ChatError && err.code === 'feedback_given') onRated('earlier');
      else setProblem(ratingProblem(err));
    } finally {
      setSending(false);
    }
  };

  return (
    <div className="chat-rate" role="group" aria-label="Rate this answer" data-testid="chat-rating">
      {THUMBS.map((t) => (
        <button
          key={t.rating}
          type="button"
          className="chat-thumb"
          aria-label={t.label}
          title={t.label}
          aria-pressed={rating === t.rating}
          disabled={sending || rating !== undefined}
          onClick={() => void rate(t.rating)}
        >
          <LineIcon d={THUMB} size={18} className={t.className} />
        </button>
      ))}
      {rating !== undefined && (
        <span className="chat-rate-note" role="status">
          {rating === 'earlier' ? 'Already rated — thanks for the feedback' : 'Thanks for the feedback'}
        </span>
      )}
      {problem && (
        <span className="chat-rate-note error" role="alert">
          {problem}
        </span>
      )}
    </div>
  );
}

interface MessageProps {
  m: ChatMessage;
  token: string;
  onRated: (id: string, rating: AnswerRating) => void;
}

function Message({ m, token, onRated }: MessageProps) {
  return (
    <li className={`chat-msg ${m.role}`} data-testid="chat-message" data-role={m.role} data-state={m.state}>
      <span className="sr-only">{m.role === 'user' ? 'You:' : 'Answer:'}</span>
      <div className="chat-bubble">
        {m.content}
        {m.state === 'streaming' && !m.content && (
          // Until the first piece of the answer arrives: the app is at work.
          <span className="chat-typing" data-testid="chat-typing">
            <span aria-hidden="true" />
            <span aria-hidden="true" />
            <span aria-hidden="true" />
            <span className="sr-only">Writing…</span>
          </span>
        )}
        {m.state === 'streaming' && m.content && <span className="chat-caret" aria-hidden="true" />}
      </div>
      {m.role === 'assistant' && m.state === 'done' && m.runId && (
        <RateAnswer token={token} runId={m.runId} rating={m.rating} onRated={(rating) => onRated(m.id, rating)} />
      )}
      {m.state === 'stopped' && <div className="chat-msg-note">Stopped</div>}
      {m.state === 'failed' && (
        <div className="chat-msg-note error" role="alert">
          {m.error ?? 'The app could not answer.'}
        </div>
      )}
    </li>
  );
}

export function ChatPage({ token, name, description, embed }: ChatPageProps) {
  const [info, setInfo] = useState<ChatInfo | null>(null);
  const [gone, setGone] = useState(false);
  const [conversation, setConversation] = useState<Conversation>(() => loadConversation(token));
  const [draft, setDraft] = useState('');
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<Notice | null>(null);
  const [now, setNow] = useState(() => Date.now());
  const [showInputs, setShowInputs] = useState(false);
  const abort = useRef<AbortController | null>(null);
  const listEnd = useRef<HTMLDivElement | null>(null);
  const box = useRef<HTMLTextAreaElement | null>(null);

  useEffect(() => {
    const ctl = new AbortController();
    getChatInfo(token, ctl.signal).then(setInfo, (err: unknown) => {
      if (ctl.signal.aborted) return;
      if (err instanceof ChatError && err.code === 'chat_not_found') setGone(true);
      else setNotice({ kind: 'error', text: errorMessage(err) });
    });
    return () => ctl.abort();
  }, [token]);

  useEffect(() => saveConversation(token, conversation), [token, conversation]);
  useEffect(() => () => abort.current?.abort(), []);

  useLayoutEffect(() => {
    listEnd.current?.scrollIntoView?.({ block: 'end' });
  }, [conversation.messages]);

  // The rate limit's countdown, then the notice goes away by itself.
  const rateUntil = notice?.kind === 'rate' ? notice.until : null;
  useEffect(() => {
    if (rateUntil === null) return undefined;
    const tick = setInterval(() => {
      const t = Date.now();
      setNow(t);
      if (t >= rateUntil) setNotice(null);
    }, 500);
    return () => clearInterval(tick);
  }, [rateUntil]);

  // Inside an iframe keys do not reach the host page: ask embed.js to close the panel.
  useEffect(() => {
    if (!embed) return undefined;
    const onKey = (e: globalThis.KeyboardEvent) => {
      if (e.key === 'Escape' && window.parent !== window) window.parent.postMessage({ type: 'llmops-chat:close' }, '*');
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [embed]);

  const declared = info?.inputs ?? NO_INPUTS;
  const waitSeconds = rateUntil !== null ? Math.max(1, Math.ceil((rateUntil - now) / 1000)) : 0;

  const send = useCallback(async () => {
    const question = draft.trim();
    if (!question || busy || rateUntil !== null) return;
    const extra = inputValues(declared, conversation.inputs);
    if (extra.problem !== null) {
      setShowInputs(true);
      setNotice({ kind: 'error', text: extra.problem });
      return;
    }
    const turns = turnsFor(conversation.messages, question);
    const asked: ChatMessage = { id: messageId(), role: 'user', content: question, state: 'done' };
    const answer: ChatMessage = { id: messageId(), role: 'assistant', content: '', state: 'streaming' };
    const update = (change: (m: ChatMessage) => ChatMessage) =>
      setConversation((c) => ({ ...c, messages: c.messages.map((m) => (m.id === answer.id ? change(m) : m)) }));
    setConversation((c) => ({ ...c, messages: [...c.messages, asked, answer] }));
    setDraft('');
    setNotice(null);
    setBusy(true);
    const ctl = new AbortController();
    abort.current = ctl;
    try {
      const result = await sendChat(token, { messages: turns, inputs: extra.values }, (text) => update((m) => ({ ...m, content: m.content + text })), ctl.signal);
      update((m) => ({ ...m, content: m.content || result.answer, state: 'done', ...(result.runId && { runId: result.runId }) }));
    } catch (err) {
      if (ctl.signal.aborted) {
        update((m) => ({ ...m, state: 'stopped' }));
      } else if (err instanceof ChatError && err.code === 'chat_not_found') {
        setGone(true);
      } else if (err instanceof ChatError && err.status === 429) {
        // Not asked: the question goes back into the box, to send once the wait is over.
        setConversation((c) => ({ ...c, messages: c.messages.filter((m) => m.id !== asked.id && m.id !== answer.id) }));
        setDraft(question);
        setNow(Date.now());
        setNotice({ kind: 'rate', until: Date.now() + (err.retryAfter ?? 10) * 1000 });
      } else {
        update((m) => ({ ...m, state: 'failed', error: errorMessage(err) }));
      }
    } finally {
      if (abort.current === ctl) abort.current = null;
      setBusy(false);
      box.current?.focus();
    }
  }, [draft, busy, rateUntil, declared, conversation, token]);

  const stop = () => abort.current?.abort();

  const rated = useCallback(
    (id: string, rating: AnswerRating) =>
      setConversation((c) => ({ ...c, messages: c.messages.map((m) => (m.id === id ? { ...m, rating } : m)) })),
    [],
  );

  const restart = () => {
    abort.current?.abort();
    setConversation((c) => ({ ...c, messages: [] }));
    setNotice(null);
    setDraft('');
    box.current?.focus();
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      void send();
    }
  };

  const setInput = (inputName: string, value: string) =>
    setConversation((c) => ({ ...c, inputs: { ...c.inputs, [inputName]: value } }));

  if (gone) return <Unavailable />;
  const title = info?.name ?? name;
  const about = info?.description ?? description;
  const messages = conversation.messages;

  return (
    <div className={`chat ${embed ? 'chat-embed' : 'chat-full'}`}>
      <header className="chat-head">
        <div className="chat-title">
          <h1>{title}</h1>
          {!embed && about && <p className="chat-about">{about}</p>}
        </div>
        <button type="button" className="chat-new" onClick={restart} disabled={!messages.length && !draft} title="Start over: the conversation is cleared">
          New conversation
        </button>
      </header>

      <div className="chat-scroll">
        {messages.length === 0 ? (
          <div className="chat-empty">
            <p>{embed && about ? about : 'Ask a question to start.'}</p>
          </div>
        ) : (
          <ol className="chat-list" role="log" aria-label="Conversation" aria-live="polite">
            {messages.map((m) => (
              <Message key={m.id} m={m} token={token} onRated={rated} />
            ))}
          </ol>
        )}
        <div ref={listEnd} />
      </div>

      <footer className="chat-foot">
        {notice?.kind === 'rate' && (
          <p className="chat-notice" role="status" data-testid="chat-rate-limited">
            Too many messages. Try again in {waitSeconds} s.
          </p>
        )}
        {notice?.kind === 'error' && (
          <p className="chat-notice error" role="alert">
            {notice.text}
          </p>
        )}
        {declared.length > 0 && (
          <details className="chat-inputs" open={showInputs} onToggle={(e) => setShowInputs((e.currentTarget as HTMLDetailsElement).open)}>
            <summary>Details for the app</summary>
            {declared.map((input) => {
              const id = `chat-input-${input.name}`;
              const value = conversation.inputs[input.name] ?? defaultText(input);
              return (
                <div className="chat-field" key={input.name}>
                  <label htmlFor={id}>
                    {input.name}
                    {input.required && input.type !== 'boolean' && <span aria-hidden="true"> *</span>}
                  </label>
                  {input.type === 'boolean' ? (
                    <input id={id} type="checkbox" checked={value === 'true'} onChange={(e) => setInput(input.name, String(e.target.checked))} />
                  ) : input.type === 'object' || input.type === 'array' ? (
                    <textarea id={id} rows={2} value={value} placeholder={input.type === 'array' ? '["…"]' : '{"…": "…"}'} onChange={(e) => setInput(input.name, e.target.value)} />
                  ) : (
                    <input id={id} type={input.type === 'number' ? 'number' : 'text'} value={value} required={input.required} onChange={(e) => setInput(input.name, e.target.value)} />
                  )}
                  {input.description && <small>{input.description}</small>}
                </div>
              );
            })}
          </details>
        )}
        <form
          className="chat-compose"
          onSubmit={(e) => {
            e.preventDefault();
            void send();
          }}
        >
          <textarea
            ref={box}
            aria-label="Message"
            placeholder="Write a message…"
            rows={1}
            value={draft}
            maxLength={20000}
            onChange={(e) => setDraft(e.target.value)}
            onKeyDown={onKeyDown}
            autoFocus={!embed}
          />
          {busy ? (
            <button type="button" className="chat-stop" onClick={stop} aria-label="Stop">
              Stop
            </button>
          ) : (
            <button type="submit" className="chat-send" disabled={!draft.trim() || rateUntil !== null} aria-label="Send">
              Send
            </button>
          )}
        </form>
        {!embed && <p className="chat-hint">Enter sends · Shift+Enter adds a line · the conversation stays in this tab</p>}
      </footer>
    </div>
  );
}
