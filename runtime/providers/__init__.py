"""Model providers: the port (:mod:`.base`) and its implementations.

* :mod:`.openai_compat` — any OpenAI-compatible HTTP API (OpenAI, DeepSeek, Qwen, vLLM, Ollama, llama.cpp).
* :mod:`.local` — models run in-process with transformers (default: SmolLM2-135M-Instruct) and
  MiniLM embeddings (:mod:`.embeddings`).
* :mod:`.registry` — build providers from config dicts; the default provider map.
* :mod:`.prices` — price table and call cost.

Submodules are imported explicitly (``from runtime.providers.registry import default_providers``)
so that importing the port does not import torch or the HTTP client.
"""
