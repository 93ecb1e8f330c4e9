"""What a prompt version holds, checked the same way wherever it comes from (the API, a YAML
import, the CLI): the shape (:class:`VersionContent`), then the templates compiled in the sandbox
(a syntax error is a 400 naming the message), then warnings — a variable used but not declared,
one declared but not used, a model this workspace cannot call."""

from __future__ import annotations

from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError
from rest_framework import serializers

from builder.prompts.errors import TemplateInvalid
from runtime.errors import TemplateError
from runtime.templates import compile_template

NAME_PATTERN = r"^[a-z0-9][a-z0-9_.-]{0,99}$"
LABEL_PATTERN = r"^[a-z][a-z0-9_-]{0,39}$"
VARIABLE_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]{0,63}$"
ROLES = ("system", "user", "assistant")
VARIABLE_TYPES = ("text", "number", "boolean", "choice", "json")
MAX_MESSAGES = 200
MAX_TEMPLATE_CHARS = 100_000


class MessageContent(serializers.Serializer):
    role = serializers.ChoiceField(choices=ROLES)
    template = serializers.CharField(max_length=MAX_TEMPLATE_CHARS, trim_whitespace=False)


class VariableContent(serializers.Serializer):
    name = serializers.RegexField(VARIABLE_PATTERN, max_length=64)
    type = serializers.ChoiceField(choices=VARIABLE_TYPES, default="text")
    description = serializers.CharField(required=False, allow_blank=True, default="", max_length=1000)
    default = serializers.JSONField(required=False, allow_null=True, default=None)
    choices = serializers.ListField(child=serializers.CharField(max_length=500), required=False, default=list,
                                    max_length=200)

    def validate(self, attrs):
        if attrs["type"] == "choice" and not attrs.get("choices"):
            raise serializers.ValidationError({"choices": ["A choice variable lists its choices."]})
        return attrs


class ModelContent(serializers.Serializer):
    """The model configuration: the LLM node's model fields, plus a JSON Schema for the answer."""

    provider = serializers.CharField(max_length=100)
    model = serializers.CharField(max_length=200)
    temperature = serializers.FloatField(required=False, allow_null=True, min_value=0, max_value=2)
    top_p = serializers.FloatField(required=False, allow_null=True, min_value=0.000001, max_value=1)
    max_tokens = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=1_000_000)
    stop = serializers.ListField(child=serializers.CharField(max_length=100), required=False, allow_null=True,
                                 max_length=8)
    seed = serializers.IntegerField(required=False, allow_null=True, min_value=-(2**63), max_value=2**63 - 1)
    json_mode = serializers.BooleanField(required=False, default=False)
    response_schema = serializers.DictField(required=False, allow_null=True,
                                            help_text="A JSON Schema the answer must follow; implies JSON mode.")

    def validate_response_schema(self, value):
        if value is not None:
            try:
                Draft202012Validator.check_schema(value)
            except SchemaError as exc:
                raise serializers.ValidationError(f"Not a valid JSON Schema: {exc.message}") from None
        return value


class PromptBody(serializers.Serializer):
    """A prompt's messages and declared variables (a version's, or a playground draft's)."""

    messages = MessageContent(many=True, allow_empty=False, max_length=MAX_MESSAGES)
    variables = VariableContent(many=True, required=False, default=list, max_length=100)

    def validate_variables(self, value):
        names = [v["name"] for v in value]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise serializers.ValidationError(f"Declared twice: {', '.join(duplicates)}.")
        return value


class VersionContent(PromptBody):
    model = ModelContent()
    commit_message = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


def normalized(content: dict[str, Any]) -> dict[str, Any]:
    """The stored form: plain dicts, model parameters that are not set left out."""
    model = {k: v for k, v in dict(content["model"]).items() if v is not None and not (k == "json_mode" and v is False)}
    return {
        "messages": [{"role": m["role"], "template": m["template"]} for m in content["messages"]],
        "variables": [
            {k: v for k, v in dict(var).items() if not (k == "choices" and not v)} for var in content["variables"]
        ],
        "model": model,
        "commit_message": content.get("commit_message", "").strip(),
    }


def template_check(messages: list[dict[str, Any]], variables: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Compile every message in the sandbox (a syntax error: 400 ``template_invalid`` naming
    ``messages.N.template``) and return the warnings about variables."""
    used: dict[str, str] = {}
    for i, message in enumerate(messages):
        field = f"messages.{i}.template"
        try:
            compiled = compile_template(message["template"], field=field)
        except TemplateError as exc:
            raise TemplateInvalid(
                f"Message {i + 1} is not a valid template: {exc.message}", details={"field": field}
            ) from None
        for namespace, _ in compiled.references:
            used.setdefault(namespace, field)
    declared = {v["name"] for v in variables}
    warnings = [
        {"code": "undeclared_variable", "field": field,
         "message": f"{{{{ {name} }}}} is used but not declared: declare it so that forms and apps can fill it."}
        for name, field in used.items() if name not in declared
    ]
    warnings += [
        {"code": "unused_variable", "field": f"variables.{i}",
         "message": f"The variable {v['name']!r} is declared but no message uses it."}
        for i, v in enumerate(variables) if v["name"] not in used
    ]
    return warnings
