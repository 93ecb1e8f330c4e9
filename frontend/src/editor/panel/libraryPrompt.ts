/** An LLM node's own messages as a prompt of the library: the app's references in its templates
 * (`{{ inputs.question }}`, `{{ search.text }}`) become the prompt's variables (`{{ question }}`,
 * or `{{ search_text }}` when two references would share a name), and the mapping that gives each
 * variable the value it had, so the node behaves the same once it uses the prompt. Pure. */

const REFERENCE = /\{\{\s*([A-Za-z_]\w*)\.([A-Za-z_]\w*)\s*\}\}/g;

export interface LibraryPrompt {
  messages: { role: 'system' | 'user' | 'assistant'; template: string }[];
  variables: { name: string; type: 'text' }[];
  /** prompt variable → the template over the app's values it stood for */
  mapping: Record<string, string>;
}

export function toLibraryPrompt(messages: { role: string; template: string }[]): LibraryPrompt {
  const names = new Map<string, string>(); // "ns.field" -> variable name
  const used = new Set<string>();
  for (const m of messages) {
    for (const [, ns, field] of m.template.matchAll(REFERENCE)) {
      const key = `${ns}.${field}`;
      if (names.has(key) || !ns || !field) continue;
      const name = used.has(field) ? `${ns}_${field}` : field;
      names.set(key, name);
      used.add(name);
    }
  }
  const converted = messages.map((m) => ({
    role: (['system', 'user', 'assistant'].includes(m.role) ? m.role : 'user') as 'system' | 'user' | 'assistant',
    template: m.template.replace(REFERENCE, (whole, ns: string, field: string) => {
      const name = names.get(`${ns}.${field}`);
      return name ? `{{ ${name} }}` : whole;
    }),
  }));
  const mapping: Record<string, string> = {};
  for (const [key, name] of names) mapping[name] = `{{ ${key} }}`;
  return { messages: converted, variables: [...names.values()].map((name) => ({ name, type: 'text' as const })), mapping };
}
