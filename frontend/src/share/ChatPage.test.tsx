import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ChatPage } from './ChatPage';
import { fakeGateway, INFO } from './testing';

const TOKEN = 'tok_abc12345';

function renderChat() {
  return render(<ChatPage token={TOKEN} name="Helper" description="" embed={false} />);
}

const messages = () => screen.queryAllByTestId('chat-message');
const posts = (gateway: ReturnType<typeof fakeGateway>) => gateway.calls.filter((c) => c.method === 'POST');
const thumbs = (answer: HTMLElement) => ({
  good: within(answer).getByRole('button', { name: 'Good answer' }),
  bad: within(answer).getByRole('button', { name: 'Bad answer' }),
});

/** Asks `question` and lets the fake gateway answer it in one piece. */
async function askAndAnswer(gateway: ReturnType<typeof fakeGateway>, question: string, answer: string) {
  const before = posts(gateway).length;
  await userEvent.type(screen.getByRole('textbox', { name: 'Message' }), `${question}{Enter}`);
  await waitFor(() => expect(posts(gateway)).toHaveLength(before + 1));
  gateway.answer().finish(answer);
  await waitFor(() => expect(messages().at(-1)).toHaveAttribute('data-state', 'done'));
  return messages().at(-1)!;
}

describe('the web chat page', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    window.sessionStorage.clear();
  });

  it('Enter sends, the answer streams in, and the next question carries the conversation', async () => {
    const gateway = fakeGateway();
    renderChat();
    expect(screen.getByRole('heading', { name: 'Helper' })).toBeInTheDocument();
    await userEvent.type(screen.getByRole('textbox', { name: 'Message' }), 'Where is the office?{Enter}');

    await waitFor(() => expect(posts(gateway)).toHaveLength(1));
    expect(messages()[0]).toHaveTextContent('Where is the office?');
    expect(messages()[1]).toHaveAttribute('data-state', 'streaming');
    gateway.answer().delta('On the ');
    await waitFor(() => expect(messages()[1]).toHaveTextContent('On the'));
    gateway.answer().delta('3rd floor.');
    gateway.answer().finish('On the 3rd floor.');
    await waitFor(() => expect(messages()[1]).toHaveAttribute('data-state', 'done'));
    expect(messages()[1]).toHaveTextContent('On the 3rd floor.');
    expect(screen.getByRole('textbox', { name: 'Message' })).toHaveValue('');

    await userEvent.type(screen.getByRole('textbox', { name: 'Message' }), 'And parking?{Enter}');
    await waitFor(() => expect(posts(gateway)).toHaveLength(2));
    expect(posts(gateway)[1]!.body).toEqual({
      messages: [
        { role: 'user', content: 'Where is the office?' },
        { role: 'assistant', content: 'On the 3rd floor.' },
        { role: 'user', content: 'And parking?' },
      ],
      inputs: {},
      stream: true,
      visitor: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
  });

  it('shows a typing indicator until the first piece of the answer, then the answer as it streams', async () => {
    const gateway = fakeGateway();
    renderChat();
    await userEvent.type(screen.getByRole('textbox', { name: 'Message' }), 'Hi{Enter}');
    await waitFor(() => expect(posts(gateway)).toHaveLength(1));

    const answer = () => messages()[1]!;
    expect(within(answer()).getByTestId('chat-typing')).toHaveTextContent('Writing…');
    gateway.answer().delta('Hi! ');
    await waitFor(() => expect(answer()).toHaveTextContent('Hi!'));
    expect(within(answer()).queryByTestId('chat-typing')).not.toBeInTheDocument();
    expect(answer()).toHaveAttribute('data-state', 'streaming');
    gateway.answer().delta('Welcome.');
    gateway.answer().finish('Hi! Welcome.');
    await waitFor(() => expect(answer()).toHaveAttribute('data-state', 'done'));
    expect(answer()).toHaveTextContent('Hi! Welcome.');
  });

  it('Shift+Enter adds a line instead of sending', async () => {
    const gateway = fakeGateway();
    renderChat();
    const box = screen.getByRole('textbox', { name: 'Message' });
    await userEvent.type(box, 'line one{Shift>}{Enter}{/Shift}line two');
    expect(box).toHaveValue('line one\nline two');
    expect(posts(gateway)).toHaveLength(0);
  });

  it('Stop ends the answer where it got to', async () => {
    const gateway = fakeGateway();
    renderChat();
    await userEvent.type(screen.getByRole('textbox', { name: 'Message' }), 'Tell me a long story{Enter}');
    await waitFor(() => expect(posts(gateway)).toHaveLength(1));
    gateway.answer().delta('Once upon');
    await waitFor(() => expect(messages()[1]).toHaveTextContent('Once upon'));
    await userEvent.click(screen.getByRole('button', { name: 'Stop' }));

    await waitFor(() => expect(messages()[1]).toHaveAttribute('data-state', 'stopped'));
    expect(messages()[1]).toHaveTextContent('Once uponStopped');
    expect(screen.getByRole('button', { name: 'Send' })).toBeInTheDocument();
  });

  it('a reload keeps the conversation; New conversation clears it', async () => {
    const gateway = fakeGateway();
    const first = renderChat();
    await userEvent.type(screen.getByRole('textbox', { name: 'Message' }), 'Hi{Enter}');
    await waitFor(() => expect(posts(gateway)).toHaveLength(1));
    gateway.answer().finish('Hello there.');
    await waitFor(() => expect(messages()[1]).toHaveAttribute('data-state', 'done'));
    first.unmount();

    renderChat();
    expect(messages().map((m) => m.querySelector('.chat-bubble')?.textContent)).toEqual(['Hi', 'Hello there.']);
    await userEvent.click(screen.getByRole('button', { name: 'New conversation' }));
    expect(messages()).toHaveLength(0);
    expect(window.sessionStorage.getItem(`llmops.chat.${TOKEN}`)).toBeNull();
  });

  it('over the rate limit it says when to try again and keeps the question', async () => {
    const gateway = fakeGateway();
    gateway.refuseNext(429, 'rate_limited', 'Too many requests.', { 'Retry-After': '12' });
    renderChat();
    await userEvent.type(screen.getByRole('textbox', { name: 'Message' }), 'Hi{Enter}');

    expect(await screen.findByTestId('chat-rate-limited')).toHaveTextContent('Too many messages. Try again in 12 s.');
    expect(screen.getByRole('textbox', { name: 'Message' })).toHaveValue('Hi');
    expect(screen.getByRole('button', { name: 'Send' })).toBeDisabled();
    expect(messages()).toHaveLength(0);
  });

  it('a failed answer shows why', async () => {
    const gateway = fakeGateway();
    renderChat();
    await userEvent.type(screen.getByRole('textbox', { name: 'Message' }), 'Hi{Enter}');
    await waitFor(() => expect(posts(gateway)).toHaveLength(1));
    gateway.answer().fail('The model did not answer in time.');
    expect(await screen.findByRole('alert')).toHaveTextContent('The model did not answer in time.');
    expect(messages()[1]).toHaveAttribute('data-state', 'failed');
  });

  it('a link that was turned off shows that the chat is not available', async () => {
    fakeGateway({ error: { code: 'chat_not_found', message: 'This chat is not available.', details: null } }, 404);
    renderChat();
    expect(await screen.findByRole('heading', { name: 'This chat is not available' })).toBeInTheDocument();
    expect(screen.queryByRole('textbox', { name: 'Message' })).not.toBeInTheDocument();
  });

  it("asks for the app's other inputs and sends them along", async () => {
    const tone = { name: 'tone', type: 'string', required: true, default: null, description: 'How to answer.' };
    const gateway = fakeGateway({ ...INFO, inputs: [tone] });
    renderChat();
    await userEvent.type(screen.getByRole('textbox', { name: 'Message' }), 'Hi{Enter}');
    expect(await screen.findByRole('alert')).toHaveTextContent('Fill in tone first.');
    expect(posts(gateway)).toHaveLength(0);

    const details = screen.getByText('Details for the app').closest('details')!;
    await userEvent.type(within(details).getByLabelText(/tone/), 'formal');
    await userEvent.click(screen.getByRole('button', { name: 'Send' }));
    await waitFor(() => expect(posts(gateway)).toHaveLength(1));
    expect(posts(gateway)[0]!.body?.inputs).toEqual({ tone: 'formal' });
  });

  it('Bad answer rates the answer thumbs down; the choice shows, stays after a reload, and cannot change', async () => {
    const gateway = fakeGateway();
    const first = renderChat();
    await userEvent.type(screen.getByRole('textbox', { name: 'Message' }), 'Hi{Enter}');
    await waitFor(() => expect(posts(gateway)).toHaveLength(1));
    expect(screen.queryByRole('group', { name: 'Rate this answer' })).not.toBeInTheDocument(); // still being written
    gateway.answer().finish('Hello there.');
    await waitFor(() => expect(messages()[1]).toHaveAttribute('data-state', 'done'));
    expect(within(messages()[0]!).queryByRole('group', { name: 'Rate this answer' })).not.toBeInTheDocument();
    const { good, bad } = thumbs(messages()[1]!);
    for (const thumb of [good, bad]) {
      expect(thumb).toHaveAttribute('aria-pressed', 'false');
      expect(thumb).toBeEnabled();
    }

    await userEvent.click(bad);

    expect(await within(messages()[1]!).findByRole('status')).toHaveTextContent('Thanks for the feedback');
    expect(posts(gateway)[1]).toEqual({ method: 'POST', url: `/v1/share/${TOKEN}/runs/run-1/feedback`, body: { rating: 'down' } });
    expect(bad).toHaveAttribute('aria-pressed', 'true');
    expect(good).toHaveAttribute('aria-pressed', 'false');
    expect(good).toBeDisabled();
    expect(bad).toBeDisabled();
    first.unmount();

    renderChat();
    const reloaded = thumbs(messages()[1]!);
    expect(reloaded.bad).toHaveAttribute('aria-pressed', 'true');
    expect(reloaded.good).toBeDisabled();
    expect(reloaded.bad).toBeDisabled();
    expect(within(messages()[1]!).getByRole('status')).toHaveTextContent('Thanks for the feedback');
    expect(posts(gateway)).toHaveLength(2);
  });

  it('an answer rated already counts as rated; a refused rating says why and can be sent again from the keyboard', async () => {
    const gateway = fakeGateway();
    renderChat();
    const earlier = await askAndAnswer(gateway, 'Hi', 'Hello.');
    gateway.refuseNextRating(409, 'feedback_given', 'This answer was already rated.');
    await userEvent.click(thumbs(earlier).good);
    expect(await within(earlier).findByRole('status')).toHaveTextContent('Already rated');
    expect(thumbs(earlier).good).toBeDisabled();
    expect(thumbs(earlier).good).toHaveAttribute('aria-pressed', 'false');

    const answer = await askAndAnswer(gateway, 'And parking?', 'Behind the building.');
    gateway.refuseNextRating(429, 'rate_limited', 'Slow down.', { 'Retry-After': '5' });
    await userEvent.click(thumbs(answer).bad);
    expect(await within(answer).findByRole('alert')).toHaveTextContent('Too many ratings. Try again in 5 s.');
    expect(thumbs(answer).bad).toBeEnabled();

    thumbs(answer).bad.focus();
    await userEvent.keyboard('{Enter}');
    expect(await within(answer).findByRole('status')).toHaveTextContent('Thanks for the feedback');
    expect(within(answer).queryByRole('alert')).not.toBeInTheDocument();
    expect(posts(gateway).at(-1)).toEqual({ method: 'POST', url: `/v1/share/${TOKEN}/runs/run-2/feedback`, body: { rating: 'down' } });
  });
});
