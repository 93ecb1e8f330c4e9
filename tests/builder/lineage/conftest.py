"""The lineage tests train a real adapter on the fine-tuning tests' tiny base model."""

from tests.builder.finetune.conftest import tiny_folder  # noqa: F401 (a fixture)
