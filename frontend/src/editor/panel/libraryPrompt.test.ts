import { describe, expect, it } from 'vitest';
import { toLibraryPrompt } from './libraryPrompt';

describe('toLibraryPrompt', () => {
  it("turns the app's references into prompt variables, with the mapping back", () => {
    const prompt = toLibraryPrompt([
      { role: 'system', template: 'Answer as {{ inputs.persona }}. Context: {{ search.text }}' },
      { role: 'user', template: '{{inputs.question}} ({{ inputs.persona }}) {{ other.text }}' },
    ]);

    expect(prompt.messages).toEqual([
      { role: 'system', template: 'Answer as {{ persona }}. Context: {{ text }}' },
      { role: 'user', template: '{{ question }} ({{ persona }}) {{ other_text }}' },
    ]);
    expect(prompt.variables.map((v) => v.name)).toEqual(['persona', 'text', 'question', 'other_text']);
    expect(prompt.mapping).toEqual({
      persona: '{{ inputs.persona }}',
      text: '{{ search.text }}',
      question: '{{ inputs.question }}',
      other_text: '{{ other.text }}',
    });
  });

  it('leaves text without references alone', () => {
    expect(toLibraryPrompt([{ role: 'user', template: 'Hello {% if x %}y{% endif %}' }])).toEqual({
      messages: [{ role: 'user', template: 'Hello {% if x %}y{% endif %}' }],
      variables: [],
      mapping: {},
    });
  });
});
