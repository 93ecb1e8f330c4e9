from tests.runtime.support.openai_stand_in import openai_stand_in, stand_in_server  # noqa: F401 - fixtures
