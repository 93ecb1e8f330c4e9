/**
 * The conversation of a web chat, kept in the browser only (sessionStorage: it survives a reload,
 * not the closing of the tab) — the server keeps runs, not conversations. Each question sends the
 * earlier turns along as history.
 */
import type { ChatTurn, Rating } from './client';

export type MessageState = 'done' | 'streaming' | 'stopped' | 'failed';

/** How the visitor rated an answer; `earlier` when the gateway had a rating already (another tab). */
export type AnswerRating = Rating | 'earlier';

const RATINGS: readonly unknown[] = ['up', 'down', 'earlier'] satisfies AnswerRating[];

export interface ChatMessage {
  id: string;
  role: 'user' | 'assistant';
  content: string;
  state: MessageState;
  /** Why an answer failed, shown under it. */
  error?: string;
  /** The run that gave the answer: what a rating names. */
  runId?: string;
  rating?: AnswerRating;
}

export interface Conversation {
  messages: ChatMessage[];
  inputs: Record<string, string>;
}

export const EMPTY: Conversation = { messages: [], inputs: {} };

const key = (token: string) => `llmops.chat.${token}`;

export function loadConversation(token: string): Conversation {
  try {
    const raw = window.sessionStorage.getItem(key(token));
    if (!raw) return EMPTY;
    const parsed = JSON.parse(raw) as Partial<Conversation>;
    const messages = Array.isArray(parsed.messages) ? parsed.messages.filter(isMessage) : [];
    return {
      messages: messages.map(restored),
      inputs: parsed.inputs && typeof parsed.inputs === 'object' ? (parsed.inputs as Record<string, string>) : {},
    };
  } catch {
    return EMPTY; // storage disabled or a broken entry: start afresh
  }
}

export function saveConversation(token: string, conversation: Conversation): void {
  try {
    if (!conversation.messages.length && !Object.keys(conversation.inputs).length) {
      window.sessionStorage.removeItem(key(token));
    } else {
      window.sessionStorage.setItem(key(token), JSON.stringify(conversation));
    }
  } catch {
    // not kept across a reload; the chat still works
  }
}

function isMessage(m: unknown): m is ChatMessage {
  const v = m as ChatMessage;
  return !!v && (v.role === 'user' || v.role === 'assistant') && typeof v.content === 'string' && typeof v.id === 'string';
}

/** A message as stored, made fit to show again: an answer that was streaming when the page went
 * away is kept as far as it got; a run id or rating that is not one is left out (not rateable). */
function restored(m: ChatMessage): ChatMessage {
  const { runId, rating, ...rest } = m;
  return {
    ...rest,
    state: m.state === 'streaming' ? 'stopped' : m.state,
    ...(typeof runId === 'string' && { runId }),
    ...(RATINGS.includes(rating) && { rating }),
  };
}

/** What the app receives: every earlier question with its answer (failed or empty answers are
 * left out), then the new question. */
export function turnsFor(messages: ChatMessage[], question: string): ChatTurn[] {
  const turns: ChatTurn[] = [];
  for (const m of messages) {
    if (m.role === 'assistant' && (m.state === 'failed' || !m.content)) continue;
    turns.push({ role: m.role, content: m.content });
  }
  turns.push({ role: 'user', content: question });
  return turns;
}

let counter = 0;
export function messageId(): string {
  counter += 1;
  return `${Date.now().toString(36)}-${counter}`;
}
