/**
 * The conversation of a web chat, kept in the browser only (sessionStorage: it survives a reload,
 * not the closing of the tab) — the server keeps runs, not conversations. Each question sends the
 * earlier turns along as history.
 */
import type { ChatTurn } from './client';

export type MessageState = 'done' | 'streaming' | 'stopped' | 'failed';

export interface ChatMessage {
  id: string;
  role: 'user' | 'assistant';
  content: string;
  state: MessageState;
  /** Why an answer failed, shown under it. */
  error?: string;
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
    // An answer that was streaming when the page went away is kept as far as it got.
    return {
      messages: messages.map((m) => (m.state === 'streaming' ? { ...m, state: 'stopped' as const } : m)),
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
