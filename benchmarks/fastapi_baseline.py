"""The hand-written alternative the publishing benchmark compares against: a minimal FastAPI app
whose handler calls the model through the ``openai`` ``AsyncOpenAI`` client and returns JSON
(no persistence, no auth). ``/sleep`` only awaits 50 ms (context: the server's own ceiling)."""

import asyncio
import os

from fastapi import FastAPI
from openai import AsyncOpenAI
from pydantic import BaseModel

app = FastAPI()
client = AsyncOpenAI(base_url=os.environ["BASELINE_MODEL_URL"], api_key="not-needed", max_retries=0)


class RunInput(BaseModel):
    inputs: dict


@app.post("/run")
async def run(body: RunInput) -> dict:
    reply = await client.chat.completions.create(
        model="gpt-test", messages=[{"role": "user", "content": str(body.inputs.get("query", ""))}]
    )
    return {"outputs": {"answer": reply.choices[0].message.content}}


@app.post("/sleep")
async def sleep(body: RunInput) -> dict:
    await asyncio.sleep(0.05)
    return {"outputs": {"answer": "slept"}}
