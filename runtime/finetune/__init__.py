"""Parameter-efficient fine-tuning of local causal language models (``peft``): the methods, the
training data as token ids and the training loop. Pure Python and torch: the platform's jobs,
files and pages are in :mod:`builder`."""
