/** Test fixtures for the fine-tuning pages: the method catalog the server sends, with every
 * method setting's default. */
import type { MethodCatalog, SettingsDefaults } from './types';

export const SETTINGS_DEFAULTS: SettingsDefaults = {
  r: 8,
  alpha: 16,
  dropout: 0.05,
  target_modules: ['q_proj', 'v_proj'],
  virtual_tokens: 16,
  encoder_hidden_size: 128,
  adapter_len: 10,
  adapter_layers: 8,
};

/** GET .../finetune/methods/ without ?base_model= (so no parameter counts). */
export const CATALOG: MethodCatalog = {
  methods: [
    { method: 'lora', label: 'LoRA', summary: 'Low-rank update matrices beside the attention projections.', learning_rate: 0.002 },
    { method: 'ia3', label: 'IA3', summary: 'Learned vectors that rescale keys, values and the feed-forward output.', learning_rate: 0.01 },
    { method: 'prefix', label: 'Prefix tuning', summary: 'Trained key/value vectors prepended to the attention.', learning_rate: 0.03 },
  ],
  settings_defaults: SETTINGS_DEFAULTS,
  base_models: ['smollm2-135m-instruct', 'tiny'],
};
