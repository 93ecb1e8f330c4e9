"""A workspace's model providers: added on its Models page from a kind (OpenAI, Azure OpenAI,
DeepSeek … any OpenAI-compatible API; kinds are data, see runtime/providers/kinds.toml), with the
key encrypted at rest and never shown again, a connection test that says what failed, and prices
per model. Runs of the workspace call them beside the bundled local model and the operator's."""
