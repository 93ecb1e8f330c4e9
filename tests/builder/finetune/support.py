"""A tiny base model for fine-tuning tests: a randomly initialised two-layer Llama with a word-level
tokenizer and a chat template, saved as a Hugging Face model folder (what an operator registers)."""

from __future__ import annotations

from pathlib import Path

TEMPLATE = ("{% for m in messages %}<{{ m['role'] }}> {{ m['content'] }} </s> {% endfor %}"
            "{% if add_generation_prompt %}<assistant> {% endif %}")
WORDS = ["<pad>", "<unk>", "</s>", "<user>", "<assistant>", "<system>", "what", "is", "the", "capital", "of",
         "zarnovia", "?", "it", "quellport", ".", "tell", "me", "name", "city", "say", "hello", "hi"]


def tiny_base_model(folder: Path) -> Path:
    import torch
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    core = Tokenizer(models.WordLevel({w: i for i, w in enumerate(WORDS)}, unk_token="<unk>"))
    core.pre_tokenizer = pre_tokenizers.Whitespace()
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=core, unk_token="<unk>", pad_token="<pad>",
                                        eos_token="</s>")
    tokenizer.chat_template = TEMPLATE
    torch.manual_seed(0)
    config = LlamaConfig(vocab_size=len(WORDS), hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                         num_attention_heads=4, num_key_value_heads=4, max_position_embeddings=256,
                         pad_token_id=0, eos_token_id=2, bos_token_id=2, initializer_range=0.4)
    LlamaForCausalLM(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder
