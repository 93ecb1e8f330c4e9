"""Copy-paste snippets for the Publish panel: curl, the Python ``openai`` client and JavaScript
``fetch`` reading Server-Sent Events (each one runs as shown once a key replaces the placeholder);
and the web chat's link with its ``<script>`` and ``<iframe>`` embeds."""

from __future__ import annotations

import html
import json
from typing import Any

KEY_PLACEHOLDER = "$LLMOPS_API_KEY"


def example_inputs(graph: dict[str, Any]) -> dict[str, Any]:
    samples = {"string": "Hello", "number": 1, "boolean": True, "object": {}, "array": []}
    return {i["name"]: samples.get(i.get("type", "string"), "") for i in graph.get("inputs", [])}


def endpoint_info(*, base_url: str, slug: str, graph: dict[str, Any]) -> dict[str, Any]:
    base = base_url.rstrip("/")
    inputs = example_inputs(graph)
    body = json.dumps({"inputs": inputs})
    stream_body = json.dumps({"inputs": inputs, "stream": True})
    query = next((v for v in inputs.values() if isinstance(v, str)), "Hello")
    curl = (
        f"curl {base}/v1/apps/{slug}/run \\\n"
        f'  -H "Authorization: Bearer {KEY_PLACEHOLDER}" \\\n'
        f"  -H 'Content-Type: application/json' \\\n"
        f"  -d '{body}'"
    )
    curl_stream = (
        f"curl -N {base}/v1/apps/{slug}/run \\\n"
        f'  -H "Authorization: Bearer {KEY_PLACEHOLDER}" \\\n'
        f"  -H 'Content-Type: application/json' \\\n"
        f"  -d '{stream_body}'"
    )
    python = (
        "import os\n"
        "from openai import OpenAI\n\n"
        f'client = OpenAI(base_url="{base}/v1", api_key=os.environ["LLMOPS_API_KEY"])\n'
        "reply = client.chat.completions.create(\n"
        f'    model="{slug}",\n'
        f"    messages=[{{\"role\": \"user\", \"content\": {json.dumps(query)}}}],\n"
        ")\n"
        "print(reply.choices[0].message.content)\n"
    )
    javascript = (
        f'const response = await fetch("{base}/v1/apps/{slug}/run", {{\n'
        '  method: "POST",\n'
        '  headers: {"Authorization": `Bearer ${process.env.LLMOPS_API_KEY}`, "Content-Type": "application/json"},\n'
        f"  body: JSON.stringify({stream_body}),\n"
        "});\n"
        "const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();\n"
        "let buffer = \"\";\n"
        "for (;;) {\n"
        "  const { value, done } = await reader.read();\n"
        "  if (done) break;\n"
        "  buffer += value;\n"
        "  let end;\n"
        "  while ((end = buffer.indexOf(\"\\n\\n\")) >= 0) {\n"
        "    const block = buffer.slice(0, end); buffer = buffer.slice(end + 2);\n"
        "    const event = /^event: (.*)$/m.exec(block)?.[1];\n"
        "    const data = /^data: (.*)$/m.exec(block)?.[1];\n"
        "    if (event === \"delta\") process.stdout.write(JSON.parse(data).text);\n"
        "    if (event === \"run.finished\" || event === \"run.failed\") console.log(\"\\n\", data);\n"
        "  }\n"
        "}\n"
    )
    return {
        "base_url": f"{base}/v1",
        "run_url": f"{base}/v1/apps/{slug}/run",
        "chat_completions_url": f"{base}/v1/chat/completions",
        "model": slug,
        "example_inputs": inputs,
        "snippets": {"curl": curl, "curl_stream": curl_stream, "python_openai": python, "javascript_sse": javascript},
    }


def web_chat_info(*, base_url: str, token: str, app_name: str) -> dict[str, Any]:
    """The chat page's link and the two ways to put it on another site: a floating button
    (``embed.js``) or a plain iframe."""
    base = base_url.rstrip("/")
    url = f"{base}/chat/{token}/"
    title = html.escape(app_name, quote=True)
    script = f'<script src="{base}/embed.js" data-chat="{token}" data-title="{title}" defer></script>'
    iframe = (
        f'<iframe src="{url}?embed=1" title="{title}" width="400" height="600"\n'
        '        style="border: 1px solid #d9dde5; border-radius: 12px;" allow="clipboard-write"></iframe>'
    )
    return {"url": url, "embed_url": f"{url}?embed=1", "snippets": {"script": script, "iframe": iframe}}
